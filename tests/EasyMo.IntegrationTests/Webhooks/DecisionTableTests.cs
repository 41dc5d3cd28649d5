using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;
using EasyMo.Domain.Profiles;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.IntegrationTests.Webhooks;

/// <summary>Contract §3: each row of the decision table, through the webhook, against PostgreSQL and a fake OpenAI.</summary>
public sealed class DecisionTableTests
{
    [Fact]
    public async Task A_normal_call_is_accepted_with_a_GA_session_in_the_callers_language()
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = Events.NewCallId();
        var caller = Events.NewRwandanNumber();

        using var response = await app.PostWebhookAsync(Events.CarrierCall(callId, caller));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString().ShouldBe("accepted");
        var accept = app.OpenAi.For("accept", callId).ShouldHaveSingleItem();
        accept.Authorization.ShouldBe($"Bearer {app.ApiKey}");
        accept.Project.ShouldBe("proj_test");
        accept.ContentType.ShouldNotBeNull().ShouldStartWith("application/json");
        using var body = JsonDocument.Parse(accept.Body);
        body.RootElement.GetProperty("type").GetString().ShouldBe("realtime");
        body.RootElement.GetProperty("model").GetString().ShouldBe("gpt-realtime");
        body.RootElement.GetProperty("audio").GetProperty("output").GetProperty("voice").GetString().ShouldBe("alloy");
        body.RootElement.GetProperty("instructions").GetString().ShouldNotBeNull().ShouldContain("Vuga Ikinyarwanda");
        app.OpenAi.For("reject").ShouldBeEmpty();

        await using var db = app.Db();
        var call = await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == callId.AsCallId(), Ct);
        call.Status.ShouldBe(CallStatus.Accepted);
        call.Channel.ShouldBe(CallChannel.Phone);
        call.Trunk.ShouldBe(Events.EdgeTrunk); // as the edge attested it
        call.Language.ShouldBe(Language.Kinyarwanda);
        call.Caller.ShouldBe(PhoneNumber.Parse(caller));
        call.Callee.ShouldBe(PhoneNumber.Parse("+250788000111"));
        call.AcceptedAt.ShouldNotBeNull();
        var profile = await db.Profiles.AsNoTracking().SingleAsync(p => p.Id == call.ProfileId, Ct);
        profile.Phone.ShouldBe(call.Caller);
    }

    [Fact]
    public async Task A_known_caller_is_named_and_answered_in_the_language_of_the_profile()
    {
        await using var app = await EasyMoApp.StartAsync();
        var caller = Events.NewRwandanNumber();
        await SeedProfileAsync(app, caller, name: "Aline Uwase", language: Language.French);
        var callId = Events.NewCallId();

        using var response = await app.PostWebhookAsync(Events.CarrierCall(callId, caller));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(app.OpenAi.For("accept", callId).ShouldHaveSingleItem().Body);
        var instructions = body.RootElement.GetProperty("instructions").GetString().ShouldNotBeNull();
        instructions.ShouldContain("Parlez français");
        instructions.ShouldContain("Aline Uwase");
        await using var db = app.Db();
        (await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == callId.AsCallId(), Ct)).Language.ShouldBe(Language.French);
    }

    [Fact]
    public async Task A_blocked_caller_is_rejected_with_603_and_never_accepted()
    {
        await using var app = await EasyMoApp.StartAsync();
        var caller = Events.NewRwandanNumber();
        await SeedProfileAsync(app, caller, blocked: true);
        var callId = Events.NewCallId();

        using var response = await app.PostWebhookAsync(Events.CarrierCall(callId, caller));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        app.OpenAi.For("accept").ShouldBeEmpty();
        app.OpenAi.RejectStatus(callId).ShouldBe(603);
        var call = await FindCallAsync(app, callId);
        call.Status.ShouldBe(CallStatus.Rejected);
        call.SipStatusCode.ShouldBe(603);
        call.EndReason.ShouldBe(CallEndReason.Blocked);
    }

    [Fact]
    public async Task A_call_over_the_live_call_ceiling_is_rejected_with_486()
    {
        await using var app = await EasyMoApp.StartAsync(WithLiveCallCeiling(2));
        for (var i = 0; i < 2; i++)
        {
            using var live = await app.PostWebhookAsync(Events.CarrierCall(Events.NewCallId(), Events.NewRwandanNumber()));
            live.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var callId = Events.NewCallId();
        using var response = await app.PostWebhookAsync(Events.CarrierCall(callId, Events.NewRwandanNumber()));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        app.OpenAi.For("accept").Count.ShouldBe(2);
        app.OpenAi.RejectStatus(callId).ShouldBe(486);
        var call = await FindCallAsync(app, callId);
        call.Status.ShouldBe(CallStatus.Rejected);
        call.EndReason.ShouldBe(CallEndReason.Busy);
    }

    [Fact]
    public async Task An_ended_call_frees_its_place_under_the_ceiling()
    {
        await using var app = await EasyMoApp.StartAsync(WithLiveCallCeiling(1));
        var first = Events.NewCallId();
        (await app.PostWebhookAsync(Events.CarrierCall(first, Events.NewRwandanNumber()))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.PostWebhookAsync(Events.Other("realtime.call.ended", first))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var second = Events.NewCallId();
        (await app.PostWebhookAsync(Events.CarrierCall(second, Events.NewRwandanNumber()))).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await FindCallAsync(app, second)).Status.ShouldBe(CallStatus.Accepted);
    }

    [Fact]
    public async Task Accept_answering_404_means_the_caller_is_gone_and_the_call_is_missed()
    {
        await using var app = await EasyMoApp.StartAsync();
        app.OpenAi.Answer("accept", 404);
        var callId = Events.NewCallId();

        using var response = await app.PostWebhookAsync(Events.CarrierCall(callId, Events.NewRwandanNumber()));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        app.OpenAi.For("accept", callId).ShouldHaveSingleItem(); // a 404 is not retried
        app.OpenAi.For("reject").ShouldBeEmpty();
        var call = await FindCallAsync(app, callId);
        call.Status.ShouldBe(CallStatus.Missed);
        call.EndReason.ShouldBe(CallEndReason.CallerGone);
    }

    [Fact]
    public async Task Accept_failing_with_5xx_is_asked_about_with_a_480_reject_which_fails_the_call_and_queues_a_fallback_text()
    {
        await using var app = await EasyMoApp.StartAsync();
        app.OpenAi.Answer("accept", 500);
        var callId = Events.NewCallId();
        var caller = Events.NewRwandanNumber();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        using var response = await app.PostWebhookAsync(Events.CarrierCall(callId, caller));

        watch.Stop();
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        app.OpenAi.For("accept", callId).ShouldHaveSingleItem(); // a 5xx may have been taken: never sent again blind
        app.OpenAi.RejectStatus(callId).ShouldBe(480);
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        var call = await FindCallAsync(app, callId);
        call.Status.ShouldBe(CallStatus.Failed);
        call.SipStatusCode.ShouldBe(480);
        call.EndReason.ShouldBe(CallEndReason.AcceptFailed);
        await using var db = app.Db();
        var message = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.DeduplicationKey == $"call-fallback:{callId}", Ct);
        message.Recipient.ShouldBe(caller.TrimStart('+'));
        message.Status.ShouldBe(OutboxStatus.Pending);
        message.Language.ShouldBe(Language.Kinyarwanda);
        message.Body.ShouldContain("WhatsApp");
    }

    [Fact]
    public async Task Accept_that_never_answers_is_abandoned_within_the_total_budget()
    {
        await using var app = await EasyMoApp.StartAsync();
        app.OpenAi.Responder = async (operation, _, _) =>
        {
            if (operation == "accept")
            {
                await Task.Delay(TimeSpan.FromSeconds(10));
            }

            return 200;
        };
        var callId = Events.NewCallId();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        using var response = await app.PostWebhookAsync(Events.CarrierCall(callId, Events.NewRwandanNumber()));

        watch.Stop();
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(4));
        app.OpenAi.For("reject", callId).ShouldHaveSingleItem();
        (await FindCallAsync(app, callId)).Status.ShouldBe(CallStatus.Failed);
    }

    [Fact]
    public async Task A_5xx_on_accept_is_not_retried_blind_and_a_call_OpenAI_did_accept_is_kept()
    {
        // OpenAI took the accept but answered 503: a second accept would be a second decision. The reject that asks is
        // answered decision_already_made, so the call is live.
        await using var app = await EasyMoApp.StartAsync();
        app.OpenAi.FirstDecisionWins((operation, _) => Task.FromResult(operation == "accept" ? 503 : 200));
        var callId = Events.NewCallId();

        using var response = await app.PostWebhookAsync(Events.CarrierCall(callId, Events.NewRwandanNumber()));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        app.OpenAi.For("accept", callId).ShouldHaveSingleItem();
        app.OpenAi.For("reject", callId).ShouldHaveSingleItem();
        (await FindCallAsync(app, callId)).Status.ShouldBe(CallStatus.Accepted);
        await using var db = app.Db();
        (await db.OutboxMessages.AnyAsync(m => m.DeduplicationKey == $"call-fallback:{callId}", Ct)).ShouldBeFalse("no fallback to a caller who is live");
        app.Logs.Text.ShouldContain("OPENAI_SIP_CALL_RECONCILED");
    }

    [Fact]
    public async Task A_client_error_other_than_404_is_not_retried_and_fails_the_call()
    {
        await using var app = await EasyMoApp.StartAsync();
        app.OpenAi.Answer("accept", 400);
        var callId = Events.NewCallId();

        using var response = await app.PostWebhookAsync(Events.CarrierCall(callId, Events.NewRwandanNumber()));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        app.OpenAi.For("accept", callId).ShouldHaveSingleItem();
        app.OpenAi.For("reject", callId).ShouldHaveSingleItem();
        (await FindCallAsync(app, callId)).Status.ShouldBe(CallStatus.Failed);
    }

    [Fact]
    public async Task An_anonymous_caller_is_answered_without_a_profile()
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = Events.NewCallId();

        using var response = await app.PostWebhookAsync(Events.CallIncoming(callId,
            ("From", "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=x"),
            ("To", "<sip:+250788000111@sip.api.openai.com>")));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        app.OpenAi.For("accept", callId).ShouldHaveSingleItem();
        var call = await FindCallAsync(app, callId);
        call.Status.ShouldBe(CallStatus.Accepted);
        call.Caller.ShouldBeNull();
        call.ProfileId.ShouldBeNull();
        call.Language.ShouldBe(Language.English);
    }

    [Fact]
    public async Task A_WhatsApp_call_is_recognised_keeps_its_WhatsApp_call_id_and_links_the_profile_by_wa_id()
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = Events.NewCallId();
        var caller = Events.NewRwandanNumber();

        using var response = await app.PostWebhookAsync(Events.CallIncoming(callId,
            ("From", $"<sip:{caller.TrimStart('+')}@wa.meta.vc>;tag=abc"),
            ("To", "<sip:+250788000111@edge.easymo.example>"),
            ("x-wa-meta-wacid", "wacid.HBgLMjUwNzg4MTIzNDU2FQIAEhggQ0E"),
            ("X-WA-Meta-Phone-Number-Id", "1234567890")));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var call = await FindCallAsync(app, callId);
        call.Channel.ShouldBe(CallChannel.WhatsApp);
        call.WhatsAppCallId.ShouldBe("wacid.HBgLMjUwNzg4MTIzNDU2FQIAEhggQ0E");
        call.Trunk.ShouldBeNull();
        call.Caller.ShouldBe(PhoneNumber.Parse(caller));
        await using var db = app.Db();
        (await db.Profiles.AsNoTracking().SingleAsync(p => p.Id == call.ProfileId, Ct)).WhatsAppId?.Value.ShouldBe(caller.TrimStart('+'));
    }

    [Fact]
    public async Task Configured_model_voice_and_organization_reach_the_accept()
    {
        await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?>
        {
            ["OpenAI:RealtimeModel"] = "gpt-realtime-2",
            ["OpenAI:RealtimeVoice"] = "marin",
            ["OpenAI:OrganizationId"] = "org-test",
        });
        var callId = Events.NewCallId();

        (await app.PostWebhookAsync(Events.CarrierCall(callId, Events.NewRwandanNumber()))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var accept = app.OpenAi.For("accept", callId).ShouldHaveSingleItem();
        accept.Organization.ShouldBe("org-test");
        using var body = JsonDocument.Parse(accept.Body);
        body.RootElement.GetProperty("model").GetString().ShouldBe("gpt-realtime-2");
        body.RootElement.GetProperty("audio").GetProperty("output").GetProperty("voice").GetString().ShouldBe("marin");
        var call = await FindCallAsync(app, callId);
        call.Model.ShouldBe("gpt-realtime-2");
        call.Voice.ShouldBe("marin");
    }

    internal static async Task<Call> FindCallAsync(EasyMoApp app, string callId)
    {
        await using var db = app.Db();
        return await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == callId.AsCallId(), Ct);
    }

    private static async Task SeedProfileAsync(EasyMoApp app, string phone, string? name = null, Language? language = null, bool blocked = false)
    {
        var profile = Profile.Create(PhoneNumber.Parse(phone), null, name, language, DateTimeOffset.UtcNow);
        profile.SetBlocked(blocked, DateTimeOffset.UtcNow);
        await using var db = app.Db();
        db.Profiles.Add(profile);
        await db.SaveChangesAsync(Ct);
    }
}
