using System.Security.Cryptography;
using EasyMo.Application.Features.Calls;
using EasyMo.Application.Features.Calls.HandleCallTool;
using EasyMo.Application.Features.Calls.RecordCallConsent;
using EasyMo.Application.Features.Calls.TransferCall;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;
using EasyMo.Infrastructure.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static EasyMo.IntegrationTests.Handlers.HandlerScenario;

namespace EasyMo.IntegrationTests.Handlers;

/// <summary>
/// Issue 18 part 3, the warm transfer: the person who takes a transferred call gets a WhatsApp brief first, through the
/// outbox, once per transfer, in the caller's language, and never with anything of a caller who did not consent. Real
/// PostgreSQL; OpenAI (REFER, Responses) faked at HTTP.
/// </summary>
public sealed class WarmTransferTests
{
    private const string Desk = "sip:desk@pbx.example";
    private const string Staff = "+250788555001";
    private const string TwoLines = "Ashaka moto imuvana i Kimironko ijya mu mujyi.\nYemeye kwishyura amafaranga 2000, ashaka umuntu.";

    private static Task<EasyMoApp> StartAsync(params (string Key, string? Value)[] extra) =>
        EasyMoApp.StartAsync(new Dictionary<string, string?>
        {
            ["Calls:TransferTargets:default"] = Desk,
            ["Calls:TransferContacts:default"] = Staff,
            ["Privacy:PseudonymKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Privacy:RetentionEnabled"] = "false",
            ["Outbox:Enabled"] = "false", // the briefs stay as they were queued
        }.With(extra));

    /// <summary>A live call from a caller whose profile has a name; with <paramref name="consent"/> answered as asked.</summary>
    private static async Task<string> AcceptNamedCallAsync(EasyMoApp app, string caller, bool? consent)
    {
        await SeedProfileAsync(app, caller, (_, _) => { });
        var callId = await AcceptAsync(app, caller);
        if (consent is { } granted)
        {
            (await app.SendAsync(new RecordCallConsentCommand(callId.AsCallId(), granted, ConsentSource.Voice))).ShouldNotBeNull();
        }

        return callId;
    }

    private static async Task AddTurnsAsync(EasyMoApp app, string callId, params (Speaker Speaker, string Text)[] turns)
    {
        var call = await CallAsync(app, callId);
        await using var db = app.Db();
        var sequence = await db.Transcripts.CountAsync(t => t.CallId == call.Id, Ct);
        foreach (var (speaker, text) in turns)
        {
            sequence++;
            db.Transcripts.Add(TranscriptTurn.Create(call.Id, sequence, speaker, text, $"item_{sequence}", DateTimeOffset.UtcNow));
        }

        await db.SaveChangesAsync(Ct);
    }

    private static async Task<List<OutboxMessage>> BriefsAsync(EasyMoApp app, string callId)
    {
        await using var db = app.Db();
        return await db.OutboxMessages.AsNoTracking()
            .Where(m => m.DeduplicationKey.StartsWith("transfer-brief:" + callId + ":"))
            .OrderBy(m => m.CreatedAt)
            .ToListAsync(Ct);
    }

    private static Task<TransferOutcome> TransferAsync(EasyMoApp app, string callId, string? service = null) =>
        app.SendAsync(new TransferCallCommand(callId.AsCallId(), TransferTrigger.AgentTool, Service: service));

    [Fact]
    public async Task A_consented_call_s_brief_names_the_verified_caller_and_carries_the_request_and_two_lines_of_summary()
    {
        await using var app = await StartAsync();
        app.OpenAi.ResponsesBody = _ => FakeOpenAi.ResponseWithText(TwoLines);
        var caller = Events.NewRwandanNumber();
        var callId = await AcceptNamedCallAsync(app, caller, consent: true);
        await AddTurnsAsync(app, callId, (Speaker.Caller, "Ndashaka moto i Kimironko."), (Speaker.Agent, "Ujya he?"));
        var recorded = await app.SendAsync(new HandleCallToolCommand(callId.AsCallId(), AgentTools.RecordRequest,
            """{"service":"rides","location":"Kimironko","details":"Moto to town, pays 2000"}"""));
        StatusOf(recorded.Output).ShouldBe("recorded");

        var result = await app.SendAsync(new HandleCallToolCommand(callId.AsCallId(), AgentTools.TransferToHuman, """{"reason":"wants a person","service":"rides"}"""));

        result.FollowUp.ShouldBe(ToolFollowUp.Transferred);
        var brief = (await BriefsAsync(app, callId)).ShouldHaveSingleItem();
        brief.DeduplicationKey.ShouldBe($"transfer-brief:{callId}:1");
        brief.Recipient.ShouldBe(Staff[1..]);
        brief.Status.ShouldBe(OutboxStatus.Pending);
        brief.Language.ShouldBe(Language.Kinyarwanda);
        brief.Body.ShouldBe(
            "EasyMO: uguhamagaye arimo kohererezwa kuri wowe.\n"
            + "Uhamagaye: Alice\n"
            + "Ururimi: Ikinyarwanda\n"
            + "Serivisi: rides\n"
            + "Icyo asaba: Kimironko — Moto to town, pays 2000\n"
            + "Incamake y'ikiganiro:\n"
            + "Ashaka moto imuvana i Kimironko ijya mu mujyi.\n"
            + "Yemeye kwishyura amafaranga 2000, ashaka umuntu.");
        brief.Body.ShouldNotContain(caller[1..]);

        // The summary was asked for the conversation so far, in the caller's language, as two lines.
        var request = app.OpenAi.For("responses").ShouldHaveSingleItem();
        using var body = JsonDocument.Parse(request.Body);
        body.RootElement.GetProperty("instructions").GetString().ShouldNotBeNull().ShouldContain("exactly 2 short lines in Kinyarwanda");
        body.RootElement.GetProperty("input").GetString().ShouldBe("Caller: Ndashaka moto i Kimironko.\nAgent: Ujya he?");

        // The transfer, its activities and the brief were saved together, after the REFER.
        var call = await CallAsync(app, callId);
        call.TransferTarget.ShouldBe(Desk);
        (await ActivitiesAsync(app, callId)).Count(a => a.Kind == CallActivityKind.Transfer).ShouldBe(1);
        app.OpenAi.ReferTarget(callId).ShouldBe(Desk);
        app.Logs.Text.ShouldContain("\"Name\":\"OPENAI_SIP_CALL_TRANSFER_BRIEF\"");
        app.Logs.Text.ShouldNotContain(Staff[1..]); // the recipient is logged masked
        app.Logs.Text.ShouldNotContain("Kimironko");
    }

    [Theory]
    [InlineData("+33612", "Transfert EasyMO : un appelant vous est passé.\nAppelant: Alice\nLangue: français\nService: rides")]
    [InlineData("+14155", "EasyMO transfer: a caller is being put through to you.\nCaller: Alice\nLanguage: English\nService: rides")]
    [InlineData("+25078", "EasyMO: uguhamagaye arimo kohererezwa kuri wowe.\nUhamagaye: Alice\nUrurimi: Ikinyarwanda\nSerivisi: rides")]
    public async Task The_brief_is_in_the_caller_s_language(string prefix, string expected)
    {
        await using var app = await StartAsync();
        var caller = prefix + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var callId = await AcceptNamedCallAsync(app, caller, consent: true);

        (await TransferAsync(app, callId, "rides")).ShouldBe(TransferOutcome.Transferring);

        (await BriefsAsync(app, callId)).ShouldHaveSingleItem().Body.ShouldBe(expected);
        app.OpenAi.For("responses").ShouldBeEmpty(); // no transcript yet: nothing to summarise
    }

    [Theory]
    [InlineData(false)]
    [InlineData(null)]
    public async Task Without_consent_the_brief_says_the_language_and_the_service_only_and_no_summary_is_asked_for(bool? consent)
    {
        await using var app = await StartAsync();
        var caller = Events.NewRwandanNumber();
        var callId = await AcceptNamedCallAsync(app, caller, consent);

        // Content that must never reach the brief, even if it were in the database (a request, a transcript).
        var call = await CallAsync(app, callId);
        await AddTurnsAsync(app, callId, (Speaker.Caller, "Ndashaka moto i Kimironko."));
        await using (var db = app.Db())
        {
            db.CallRequests.Add(CallRequest.Record(call.Id, call.ProfileId, "rides", "Kimironko", "secret details", DateTimeOffset.UtcNow));
            await db.SaveChangesAsync(Ct);
        }

        var result = await app.SendAsync(new HandleCallToolCommand(callId.AsCallId(), AgentTools.TransferToHuman, """{"reason":"Kimironko moto","service":"pharmacy"}"""));

        result.FollowUp.ShouldBe(ToolFollowUp.Transferred);
        var brief = (await BriefsAsync(app, callId)).ShouldHaveSingleItem();
        brief.Body.ShouldBe(
            "EasyMO: uguhamagaye arimo kohererezwa kuri wowe.\n"
            + "Ururimi: Ikinyarwanda\n"
            + "Serivisi: pharmacy\n"
            + "Uhamagaye ntiyemeye ko ikiganiro kibikwa: nta makuru arambuye.");
        brief.Body.ShouldNotContain("Alice");
        brief.Body.ShouldNotContain("Kimironko");
        brief.Body.ShouldNotContain("secret");
        brief.Body.ShouldNotContain(caller[1..]);
        app.OpenAi.For("responses").ShouldBeEmpty();
    }

    [Fact]
    public async Task The_brief_is_queued_once_per_transfer_even_when_the_request_is_delivered_twice_and_a_later_transfer_gets_its_own()
    {
        await using var app = await StartAsync();
        var callId = await AcceptNamedCallAsync(app, Events.NewRwandanNumber(), consent: true);

        // Both deliveries are at OpenAI's REFER at the same time: neither has saved when the other counts the transfers.
        var both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.OpenAi.Responder = async (operation, _, attempt) =>
        {
            if (operation == "refer")
            {
                if (attempt >= 2)
                {
                    both.TrySetResult();
                }

                await both.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }

            return 200;
        };

        var outcomes = await Task.WhenAll(TransferAsync(app, callId, "rides"), TransferAsync(app, callId, "rides"));

        outcomes.ShouldAllBe(outcome => outcome == TransferOutcome.Transferring);
        (await BriefsAsync(app, callId)).ShouldHaveSingleItem().DeduplicationKey.ShouldBe($"transfer-brief:{callId}:1");
        (await ActivitiesAsync(app, callId)).Count(a => a.Kind == CallActivityKind.ToolCall && a.Name == AgentTools.TransferToHuman).ShouldBe(2);

        // The call came back to the agent and is transferred again: a brief of its own.
        app.OpenAi.Responder = (_, _, _) => Task.FromResult(200);
        (await TransferAsync(app, callId, "rides")).ShouldBe(TransferOutcome.Transferring);

        var briefs = await BriefsAsync(app, callId);
        briefs.Count.ShouldBe(2);
        briefs.Select(b => b.DeduplicationKey).Distinct().Count().ShouldBe(2);
    }

    [Fact]
    public async Task A_summary_that_takes_too_long_is_left_out_and_the_transfer_goes_on()
    {
        await using var app = await StartAsync(("Calls:TransferBriefSummaryTimeout", "00:00:00.300"));
        app.OpenAi.Responder = async (operation, _, _) =>
        {
            if (operation == "responses")
            {
                await Task.Delay(TimeSpan.FromSeconds(5), Ct);
            }

            return 200;
        };
        var callId = await AcceptNamedCallAsync(app, Events.NewRwandanNumber(), consent: true);
        await AddTurnsAsync(app, callId, (Speaker.Caller, "Ndashaka moto."));

        var started = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await TransferAsync(app, callId, "rides");

        outcome.ShouldBe(TransferOutcome.Transferring);
        started.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(4));
        var brief = (await BriefsAsync(app, callId)).ShouldHaveSingleItem();
        brief.Body.ShouldContain("Uhamagaye: Alice");
        brief.Body.ShouldNotContain("Incamake");
        app.OpenAi.ReferTarget(callId).ShouldBe(Desk);
        app.Logs.Text.ShouldContain("\"Name\":\"OPENAI_SIP_CALL_TRANSFER_BRIEF_NO_SUMMARY\"");
    }

    [Fact]
    public async Task A_failed_summary_is_left_out_too()
    {
        await using var app = await StartAsync(("Summaries:RequestRetries", "0"));
        app.OpenAi.Answer("responses", 500);
        var callId = await AcceptNamedCallAsync(app, Events.NewRwandanNumber(), consent: true);
        await AddTurnsAsync(app, callId, (Speaker.Caller, "Ndashaka moto."));

        (await TransferAsync(app, callId)).ShouldBe(TransferOutcome.Transferring);

        var brief = (await BriefsAsync(app, callId)).ShouldHaveSingleItem();
        brief.Body.ShouldNotContain("Incamake");
        brief.Body.ShouldContain("Serivisi: ntiyavuzwe");
    }

    [Fact]
    public async Task Without_a_contact_for_the_target_no_brief_is_queued_and_the_transfer_is_as_before()
    {
        await using var app = await StartAsync(("Calls:TransferContacts:default", null), ("Calls:TransferContacts:fr", Staff));
        var callId = await AcceptNamedCallAsync(app, Events.NewRwandanNumber(), consent: true);
        await AddTurnsAsync(app, callId, (Speaker.Caller, "Ndashaka moto."));

        (await TransferAsync(app, callId)).ShouldBe(TransferOutcome.Transferring);

        (await BriefsAsync(app, callId)).ShouldBeEmpty();
        app.OpenAi.For("responses").ShouldBeEmpty();
        (await CallAsync(app, callId)).TransferTarget.ShouldBe(Desk);
    }

    [Fact]
    public async Task A_REFER_that_OpenAI_refuses_queues_no_brief()
    {
        await using var app = await StartAsync();
        app.OpenAi.Answer("refer", 400);
        var callId = await AcceptNamedCallAsync(app, Events.NewRwandanNumber(), consent: true);

        (await TransferAsync(app, callId)).ShouldBe(TransferOutcome.Failed);

        (await BriefsAsync(app, callId)).ShouldBeEmpty();
        (await CallAsync(app, callId)).TransferTarget.ShouldBeNull();
    }

    [Fact]
    public async Task The_admin_API_shows_the_brief_and_its_delivery()
    {
        await using var app = await StartAsync();
        var callId = await AcceptNamedCallAsync(app, Events.NewRwandanNumber(), consent: false);
        (await TransferAsync(app, callId, "jobs")).ShouldBe(TransferOutcome.Transferring);
        using var client = app.Admin();

        var details = await client.GetFromJsonAsync<JsonElement>($"/api/calls/{callId}", Ct);

        var brief = details.GetProperty("transferBriefs").EnumerateArray().ShouldHaveSingleItem();
        brief.GetProperty("ordinal").GetInt32().ShouldBe(1);
        brief.GetProperty("recipient").GetString().ShouldBe(Staff);
        brief.GetProperty("text").GetString().ShouldNotBeNull().ShouldContain("Serivisi: jobs");
        brief.GetProperty("status").GetString().ShouldBe("pending");
        brief.GetProperty("deliveryStatus").ValueKind.ShouldBe(JsonValueKind.Null);
        details.GetProperty("events").EnumerateArray()
            .ShouldContain(e => e.GetProperty("type").GetString() == "transfer_brief_queued" && e.GetProperty("detail").GetString() == "#1");
        var other = await AcceptNamedCallAsync(app, Events.NewRwandanNumber(), consent: null);
        (await client.GetFromJsonAsync<JsonElement>($"/api/calls/{other}", Ct)).GetProperty("transferBriefs").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task The_outbox_sends_the_brief_as_a_WhatsApp_text_to_the_target_s_contact()
    {
        await using var graph = await FakeGraph.StartAsync();
        var token = "EAAG" + Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        var sending = Combine(
            WithWhatsApp(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), "vt-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8))),
            WithWhatsAppSending(graph, token),
            WithOutbox());
        await using var app = await StartAsync([.. sending.Select(p => (p.Key, p.Value)), ("Outbox:Enabled", "true")]);
        var callId = await AcceptNamedCallAsync(app, Events.NewRwandanNumber(), consent: false);

        (await TransferAsync(app, callId, "wallet")).ShouldBe(TransferOutcome.Transferring);
        await Poll.UntilAsync(() => graph.Sends(Staff[1..]).Count > 0, "the brief's send");

        var send = graph.Sends(Staff[1..]).ShouldHaveSingleItem();
        using var body = JsonDocument.Parse(send.Body);
        body.RootElement.GetProperty("type").GetString().ShouldBe("text");
        body.RootElement.GetProperty("text").GetProperty("body").GetString().ShouldNotBeNull().ShouldContain("Serivisi: wallet");
        await Poll.UntilAsync(() => BriefsAsync(app, callId).GetAwaiter().GetResult().Single().Status == OutboxStatus.Sent, "the brief marked sent");
    }

    [Fact]
    public async Task Outside_the_24_hour_window_a_brief_is_given_up_never_replaced_by_the_callers_fallback_template()
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.Responder = (request, _) => Task.FromResult(request.Type == "text" ? GraphReply.Error(400, 131047) : GraphReply.Sent());
        var sending = Combine(
            WithWhatsApp(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), "vt-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8))),
            WithWhatsAppSending(graph, "EAAG" + Convert.ToHexString(RandomNumberGenerator.GetBytes(20))),
            WithOutbox());
        await using var app = await StartAsync([.. sending.Select(p => (p.Key, p.Value)), ("Outbox:Enabled", "true"), ("WhatsApp:FallbackTemplate:Name", "call_unanswered")]);
        var callId = await AcceptNamedCallAsync(app, Events.NewRwandanNumber(), consent: false);

        (await TransferAsync(app, callId, "wallet")).ShouldBe(TransferOutcome.Transferring);
        await Poll.UntilAsync(() => BriefsAsync(app, callId).GetAwaiter().GetResult().Single().Status == OutboxStatus.GivenUp, "the brief given up");

        var brief = (await BriefsAsync(app, callId)).Single();
        brief.Kind.ShouldBe(OutboxMessageKind.Text);
        brief.LastErrorCode.ShouldBe(131047);
        graph.Sends(Staff[1..]).ShouldAllBe(send => send.Type == "text");
    }

    [Fact]
    public async Task Erasing_the_caller_removes_the_briefs_about_their_calls()
    {
        await using var app = await StartAsync();
        var caller = Events.NewRwandanNumber();
        var callId = await AcceptNamedCallAsync(app, caller, consent: true);
        var otherCall = await AcceptNamedCallAsync(app, Events.NewRwandanNumber(), consent: true);
        (await TransferAsync(app, callId)).ShouldBe(TransferOutcome.Transferring);
        (await TransferAsync(app, otherCall)).ShouldBe(TransferOutcome.Transferring);
        using var client = app.Admin();

        using var export = await client.GetAsync($"/api/profiles/{Uri.EscapeDataString(caller)}/export", Ct);
        export.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await export.Content.ReadAsStringAsync(Ct)).ShouldContain($"transfer-brief:{callId}:1");
        using var erased = await client.DeleteAsync($"/api/profiles/{Uri.EscapeDataString(caller)}", Ct);

        erased.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await BriefsAsync(app, callId)).ShouldBeEmpty();
        (await BriefsAsync(app, otherCall)).ShouldHaveSingleItem(); // another caller's stays
    }

    [Fact]
    public async Task A_caller_who_withdraws_consent_takes_the_call_s_brief_with_the_rest()
    {
        await using var app = await StartAsync();
        var callId = await AcceptNamedCallAsync(app, Events.NewRwandanNumber(), consent: true);
        (await TransferAsync(app, callId)).ShouldBe(TransferOutcome.Transferring);
        (await BriefsAsync(app, callId)).ShouldHaveSingleItem().Body.ShouldContain("Alice");

        (await app.SendAsync(new RecordCallConsentCommand(callId.AsCallId(), false, ConsentSource.Keypad))).ShouldNotBeNull();

        (await BriefsAsync(app, callId)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Retention_purges_old_briefs_even_those_never_sent()
    {
        await using var app = await StartAsync();
        var callId = await AcceptNamedCallAsync(app, Events.NewRwandanNumber(), consent: true);
        (await TransferAsync(app, callId)).ShouldBe(TransferOutcome.Transferring);
        var options = new Application.Features.Privacy.PrivacyOptions { PseudonymKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow + options.RetainContentFor + TimeSpan.FromDays(1));
        var job = new RetentionJob(
            app.Services.GetRequiredService<IServiceScopeFactory>(),
            Options.Create(options),
            new Application.Features.Privacy.Pseudonymizer(Options.Create(options)),
            new EasyMo.Infrastructure.Work.WorkInstance(),
            later,
            NullLogger<RetentionJob>.Instance);

        var purged = await job.RunOnceAsync(Ct);

        purged["outbox_messages.transfer_briefs"].ShouldBe(1);
        (await BriefsAsync(app, callId)).ShouldBeEmpty();
    }
}
