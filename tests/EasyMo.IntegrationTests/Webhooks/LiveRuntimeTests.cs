using EasyMo.Domain.Calls;
using EasyMo.IntegrationTests.Metrics;
using Microsoft.EntityFrameworkCore;
using NJsonSchema;

namespace EasyMo.IntegrationTests.Webhooks;

/// <summary>
/// Both of OpenAI's voice runtimes on one decision (issue 14): GPT-Live's <c>live.transport.incoming</c> decided on the
/// Live surface with a body valid against OpenAI's schema, the other runtime's events acknowledged and counted, and one
/// SIP call announced on both decided once.
/// </summary>
public sealed class LiveRuntimeTests
{
    private static readonly Dictionary<string, string?> Live = new() { ["OpenAI:VoiceRuntime"] = "live" };

    private static readonly Lazy<Task<JsonSchema>> AcceptSchema = new(() =>
        JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "LiveCallAcceptRequest.schema.json")));

    private static readonly Lazy<Task<JsonSchema>> RejectSchema = new(() =>
        JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "LiveCallRejectRequest.schema.json")));

    [Fact]
    public async Task A_live_call_is_accepted_on_the_live_surface_with_the_spoken_prompt_and_the_tools_on_the_backend()
    {
        await using var app = await EasyMoApp.StartAsync(Live);
        var sessionId = Events.NewSessionId();
        var sipCallId = Guid.NewGuid() + "@10.0.0.1";

        using var response = await app.PostWebhookAsync(Events.LiveIncoming(sessionId, Events.InviteHeaders("+250788123456", sipCallId)));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString().ShouldBe("accepted");
        var accept = app.OpenAi.For("accept", sessionId).ShouldHaveSingleItem();
        accept.Surface.ShouldBe(FakeOpenAi.Live);
        app.OpenAi.Requests.ShouldAllBe(request => request.Surface == FakeOpenAi.Live);

        var errors = (await AcceptSchema.Value).Validate(accept.Body);
        errors.ShouldBeEmpty(string.Join("; ", errors.Select(error => $"{error.Path}: {error.Kind}")));
        var session = JsonDocument.Parse(accept.Body).RootElement.GetProperty("session");
        session.GetProperty("type").GetString().ShouldBe("live");
        session.GetProperty("model").GetString().ShouldBe("gpt-live-1");
        session.GetProperty("audio").GetProperty("output").GetProperty("voice").GetString().ShouldBe("marin");
        session.GetProperty("instructions").GetString()!.ShouldSatisfyAllConditions(
            text => text.ShouldContain("Kinyarwanda"), // +250: the caller's language
            text => text.ShouldContain("Delegation policy:"),
            text => text.Length.ShouldBeLessThan(2_000)); // the short spoken prompt, not the business rules
        var backend = session.GetProperty("delegation").GetProperty("responses");
        backend.GetProperty("model").GetString().ShouldBe("gpt-5.6-luna");
        backend.GetProperty("instructions").GetString()!.ShouldContain("EasyMO");
        backend.GetProperty("tools").EnumerateArray().Select(tool => tool.GetProperty("name").GetString())
            .ShouldBe(Application.Features.Calls.AgentTools.All.Select(tool => tool.Name), ignoreOrder: true);

        await using var db = app.Db();
        var call = await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == sessionId.AsCallId(), Ct);
        call.Runtime.ShouldBe(VoiceRuntime.Live);
        call.Status.ShouldBe(CallStatus.Accepted);
        call.Model.ShouldBe("gpt-live-1");
        call.SipCallId.ShouldBe(sipCallId);
    }

    [Fact]
    public async Task The_deprecated_live_call_incoming_is_decided_like_live_transport_incoming()
    {
        await using var app = await EasyMoApp.StartAsync(Live);
        var sessionId = Events.NewSessionId();

        using var response = await app.PostWebhookAsync(
            Events.LiveIncoming(sessionId, Events.InviteHeaders("+250788123456", Guid.NewGuid().ToString()), deprecated: true));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        app.OpenAi.For("accept", sessionId).ShouldHaveSingleItem().Surface.ShouldBe(FakeOpenAi.Live);
    }

    [Fact]
    public async Task A_live_transport_that_is_not_SIP_is_ignored()
    {
        await using var app = await EasyMoApp.StartAsync(Live);

        using var response = await app.PostWebhookAsync(
            Events.LiveIncoming(Events.NewSessionId(), Events.InviteHeaders("+250788123456", Guid.NewGuid().ToString()), transportType: "webrtc"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString().ShouldBe("ignored");
        app.OpenAi.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_live_event_without_its_session_id_is_a_400()
    {
        await using var app = await EasyMoApp.StartAsync(Live);
        var body = Events.LiveIncoming(Events.NewSessionId(), Events.InviteHeaders("+250788123456", "x")).Replace("\"session_id\"", "\"call_id\"", StringComparison.Ordinal);

        using var response = await app.PostWebhookAsync(body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("data.session_id");
        app.OpenAi.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Under_the_default_realtime_runtime_a_live_event_is_acknowledged_logged_counted_and_never_decided()
    {
        await using var app = await EasyMoApp.StartAsync(TestSettings.WithUncachedMetrics());
        var sessionId = Events.NewSessionId();

        using var response = await app.PostWebhookAsync(Events.LiveIncoming(sessionId, Events.InviteHeaders("+250788123456", Guid.NewGuid().ToString())));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString().ShouldBe("ignored"); // contract §2: "200 ignored"
        app.OpenAi.Requests.ShouldBeEmpty();
        await using (var db = app.Db())
        {
            (await db.Calls.AnyAsync(c => c.CallId == sessionId.AsCallId(), Ct)).ShouldBeFalse();
        }

        app.Logs.Text.ShouldContain("OPENAI_SIP_WEBHOOK_OTHER_RUNTIME");
        (await Scrape.TakeAsync(app)).Value("easymo_openai_other_runtime_events_total", "event=\"live.transport.incoming\"").ShouldBe(1);
    }

    [Fact]
    public async Task Under_the_live_runtime_a_realtime_event_is_acknowledged_and_never_decided()
    {
        await using var app = await EasyMoApp.StartAsync(Live);
        var callId = Events.NewCallId();

        using var response = await app.PostWebhookAsync(Events.CarrierCall(callId, "+250788123456"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString().ShouldBe("ignored"); // contract §2: "200 ignored"
        app.OpenAi.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_live_reject_always_carries_its_status_code()
    {
        await using var app = await EasyMoApp.StartAsync(Live, TestSettings.WithUnverifiedCallers("reject"));
        var sessionId = Events.NewSessionId();

        // No edge attestation: the caller's number is only a claim, and the policy refuses such callers with 603.
        using var response = await app.PostWebhookAsync(Events.LiveIncomingAsSent(sessionId, Events.InviteHeaders("+250788123456", Guid.NewGuid().ToString())));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var reject = app.OpenAi.For("reject", sessionId).ShouldHaveSingleItem();
        reject.Surface.ShouldBe(FakeOpenAi.Live);
        (await RejectSchema.Value).Validate(reject.Body).ShouldBeEmpty();
        app.OpenAi.RejectStatus(sessionId).ShouldBe(603);
    }

    [Fact]
    public async Task One_SIP_call_announced_on_both_runtimes_to_two_instances_configured_differently_is_decided_once()
    {
        // A rolling switch of OPENAI_VOICE_RUNTIME: one instance still answers on Realtime, the next on GPT-Live.
        await using var realtime = await EasyMoApp.StartAsync();
        realtime.OpenAi.FirstDecisionWins();
        await using var live = await EasyMoApp.StartAsync(new Dictionary<string, string?>(Live), realtime.ConnectionString, realtime.OpenAi);
        for (var round = 0; round < 10; round++)
        {
            var callId = Events.NewCallId();
            var sessionId = Events.NewSessionId();
            realtime.OpenAi.SameCall(callId, sessionId);
            var headers = Events.Attested(Events.InviteHeaders("+250788123456", $"{Guid.NewGuid()}@10.0.0.1"));

            var answers = await Task.WhenAll(
                realtime.PostWebhookAsync(Events.CallIncomingAsSent(callId, headers)),
                live.PostWebhookAsync(Events.LiveIncomingAsSent(sessionId, headers)));

            answers.ShouldAllBe(answer => answer.StatusCode == HttpStatusCode.OK);
            var outcomes = await Task.WhenAll(answers.Select(async answer => (await answer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString()));
            outcomes.Order().ToArray().ShouldBe(new[] { "accepted", "already_decided" }, $"round {round}");
            (realtime.OpenAi.For("accept", callId).Count + realtime.OpenAi.For("accept", sessionId).Count).ShouldBe(1, $"round {round}: one accept at OpenAI");
            await using var db = realtime.Db();
            (await db.Calls.CountAsync(c => c.CallId == callId.AsCallId() || c.CallId == sessionId.AsCallId(), Ct)).ShouldBe(1);
        }
    }

    [Fact]
    public async Task Decision_already_made_to_a_first_accept_leaves_the_call_to_the_other_decision_without_a_fallback()
    {
        await using var app = await EasyMoApp.StartAsync(Live);
        app.OpenAi.Answer("accept", StatusCodes409);
        var sessionId = Events.NewSessionId();

        using var response = await app.PostWebhookAsync(Events.LiveIncoming(sessionId, Events.InviteHeaders("+250788123456", Guid.NewGuid().ToString())));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        app.OpenAi.For("reject", sessionId).ShouldBeEmpty(); // nothing to take back: it is not ours
        await using var db = app.Db();
        var call = await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == sessionId.AsCallId(), Ct);
        call.Status.ShouldBe(CallStatus.Missed);
        call.EndReason.ShouldBe(CallEndReason.DecidedElsewhere);
        (await db.OutboxMessages.AnyAsync(m => m.DeduplicationKey == $"call-fallback:{sessionId}", Ct)).ShouldBeFalse();
        app.Logs.Text.ShouldContain("OPENAI_SIP_CALL_DECIDED_ELSEWHERE");
    }

    [Fact]
    public async Task A_live_call_is_transferred_on_the_live_surface()
    {
        await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?>(Live) { ["Calls:TransferTargets:default"] = "tel:+250788999000" });
        var sessionId = Events.NewSessionId();
        (await app.PostWebhookAsync(Events.LiveIncoming(sessionId, Events.InviteHeaders("+250788123456", Guid.NewGuid().ToString())))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var outcome = await app.SendAsync(new Application.Features.Calls.TransferCall.TransferCallCommand(sessionId.AsCallId(), Application.Features.Calls.TransferCall.TransferTrigger.KeyPress));

        outcome.ShouldBe(Application.Features.Calls.TransferCall.TransferOutcome.Transferring);
        var refer = app.OpenAi.For("refer", sessionId).ShouldHaveSingleItem();
        refer.Surface.ShouldBe(FakeOpenAi.Live);
        app.OpenAi.ReferTarget(sessionId).ShouldBe("tel:+250788999000");
    }

    private const int StatusCodes409 = 409;
}
