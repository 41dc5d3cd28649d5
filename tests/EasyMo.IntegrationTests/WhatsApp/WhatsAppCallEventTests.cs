using Microsoft.Extensions.DependencyInjection;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.WhatsApp;
using Microsoft.EntityFrameworkCore;
using static EasyMo.IntegrationTests.WhatsApp.WhatsAppPayloads;

namespace EasyMo.IntegrationTests.WhatsApp;

/// <summary>
/// Field <c>calls</c>: connect, terminate (with and without duration, with errors), call statuses, in any order and any
/// number of times, each kept in <c>whatsapp_calls</c>; and the link with the OpenAI call of the same conversation.
/// </summary>
public sealed class WhatsAppCallEventTests : IAsyncLifetime
{
    private WhatsAppHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await WhatsAppHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_user_initiated_connect_with_an_offer_records_the_call_and_the_caller_but_never_the_SDP()
    {
        var callId = NewCallId();
        var waId = NewWaId();
        var at = Now - 3;

        var answer = await _host.PostOkAsync(Connect(callId, waId, "Caller Name", at), "/wa-webhook-voice-calls");

        answer.ShouldBe(new WhatsAppAnswer(1, 0, 0));
        var call = await FindAsync(callId);
        call.Status.ShouldBe(WhatsAppCallStatus.Connected);
        call.Direction.ShouldBe(WhatsAppCallDirection.UserInitiated);
        call.UserWaId?.Value.ShouldBe(waId);
        call.UserPhone.ShouldBe(PhoneNumber.Parse("+" + waId));
        call.BusinessPhoneNumberId.ShouldBe(PhoneNumberId);
        call.ConnectedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(at));
        call.TerminatedAt.ShouldBeNull();
        call.CallId.ShouldBeNull();
        await using var db = _host.App.Db();
        var profile = await db.Profiles.AsNoTracking().SingleAsync(p => p.Id == call.ProfileId, Ct);
        profile.WhatsAppId?.Value.ShouldBe(waId);
        profile.Phone.ShouldBe(PhoneNumber.Parse("+" + waId));
        profile.Name.ShouldBe("Caller Name");
        (await _host.SnapshotAsync()).ShouldNotContain("7669997803033704573");
        _host.App.Logs.Text.ShouldNotContain("7669997803033704573");
    }

    [Fact]
    public async Task A_terminate_with_duration_completes_the_call()
    {
        var callId = NewCallId();
        var waId = NewWaId();
        var end = Now;
        await _host.PostOkAsync(Connect(callId, waId, timestamp: end - 130));

        var answer = await _host.PostOkAsync(Terminate(callId, waId, "COMPLETED", duration: 120, timestamp: end));

        answer.Recorded.ShouldBe(1);
        var call = await FindAsync(callId);
        call.Status.ShouldBe(WhatsAppCallStatus.Terminated);
        call.TerminationStatus.ShouldBe("COMPLETED");
        call.TerminatedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(end));
        call.StartedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(end - 120));
        call.EndedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(end));
        call.DurationSeconds.ShouldBe(120);
        call.ErrorCodes.ShouldBeEmpty();
        call.ConnectedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(end - 130));
    }

    [Fact]
    public async Task A_terminate_without_duration_keeps_the_status_and_the_error_codes()
    {
        var callId = NewCallId();
        var waId = NewWaId();
        await _host.PostOkAsync(Connect(callId, waId));

        await _host.PostOkAsync(Terminate(callId, waId, "FAILED", duration: null, errors: [138021, 138007]));

        var call = await FindAsync(callId);
        call.Status.ShouldBe(WhatsAppCallStatus.Terminated);
        call.TerminationStatus.ShouldBe("FAILED");
        call.DurationSeconds.ShouldBeNull();
        call.StartedAt.ShouldBeNull();
        call.EndedAt.ShouldBeNull();
        call.ErrorCodes.ShouldBe([138021, 138007]);
    }

    [Fact]
    public async Task A_terminate_status_not_known_yet_is_kept_as_sent()
    {
        var callId = NewCallId();

        await _host.PostOkAsync(Terminate(callId, NewWaId(), "REJECTED", duration: null));

        (await FindAsync(callId)).TerminationStatus.ShouldBe("REJECTED");
    }

    [Fact]
    public async Task A_terminate_before_its_connect_is_recorded_and_the_late_connect_does_not_reopen_the_call()
    {
        var callId = NewCallId();
        var waId = NewWaId();
        var end = Now;

        var first = await _host.PostOkAsync(Terminate(callId, waId, "COMPLETED", duration: 30, timestamp: end));
        var second = await _host.PostOkAsync(Connect(callId, waId, "Caller Name", end - 40));

        first.Recorded.ShouldBe(1);
        second.Recorded.ShouldBe(1);
        var call = await FindAsync(callId);
        call.Status.ShouldBe(WhatsAppCallStatus.Terminated);
        call.DurationSeconds.ShouldBe(30);
        call.ConnectedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(end - 40));
        call.Direction.ShouldBe(WhatsAppCallDirection.UserInitiated);
        call.ProfileId.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_business_initiated_call_moves_through_its_statuses()
    {
        var callId = NewCallId();
        var waId = NewWaId();
        var connect = ConnectItem(callId, BusinessNumber);
        connect["to"] = waId;
        connect["direction"] = "BUSINESS_INITIATED";
        connect["biz_opaque_callback_data"] = "TRx334DUDFTI4Mj";
        connect["session"]!["sdp_type"] = "answer";
        connect["connection"] = new System.Text.Json.Nodes.JsonObject { ["webrtc"] = new System.Text.Json.Nodes.JsonObject { ["sdp"] = "v=0" } };

        await _host.PostOkAsync(Delivery(Entry(Change("calls", Value(calls: [connect])))));
        (await FindAsync(callId)).Status.ShouldBe(WhatsAppCallStatus.Connected);
        await _host.PostOkAsync(CallStatus(callId, waId, "RINGING"));
        (await FindAsync(callId)).Status.ShouldBe(WhatsAppCallStatus.Ringing);
        await _host.PostOkAsync(CallStatus(callId, waId, "ACCEPTED"));
        (await FindAsync(callId)).Status.ShouldBe(WhatsAppCallStatus.Accepted);
        await _host.PostOkAsync(CallStatus(callId, waId, "RINGING")); // late, out of order
        (await FindAsync(callId)).Status.ShouldBe(WhatsAppCallStatus.Accepted);
        await _host.PostOkAsync(Delivery(Entry(Change("calls", Value(calls: [TerminateItem(callId, waId, duration: 42, direction: "BUSINESS_INITIATED")])))));

        var call = await FindAsync(callId);
        call.Status.ShouldBe(WhatsAppCallStatus.Terminated);
        call.Direction.ShouldBe(WhatsAppCallDirection.BusinessInitiated);
        call.UserWaId?.Value.ShouldBe(waId);
        call.DurationSeconds.ShouldBe(42);
    }

    [Fact]
    public async Task A_rejected_business_call_and_an_unknown_status_are_accepted()
    {
        var callId = NewCallId();
        var waId = NewWaId();

        var rejected = await _host.PostOkAsync(CallStatus(callId, waId, "REJECTED"));
        var unknown = await _host.PostOkAsync(CallStatus(callId, waId, "SOMETHING_NEW"));

        rejected.Recorded.ShouldBe(1);
        unknown.Recorded.ShouldBe(1);
        var call = await FindAsync(callId);
        call.Status.ShouldBe(WhatsAppCallStatus.Rejected);
        call.Direction.ShouldBe(WhatsAppCallDirection.BusinessInitiated);
    }

    [Fact]
    public async Task Duplicate_deliveries_change_nothing()
    {
        var callId = NewCallId();
        var waId = NewWaId();
        var connect = Connect(callId, waId);
        var terminate = Terminate(callId, waId, "COMPLETED", 60);
        var ringing = CallStatus(callId, waId, "RINGING");
        await _host.PostOkAsync(connect);
        await _host.PostOkAsync(ringing);
        await _host.PostOkAsync(terminate);
        var before = await _host.SnapshotAsync();

        var again = new[]
        {
            await _host.PostOkAsync(connect),
            await _host.PostOkAsync(terminate),
            await _host.PostOkAsync(ringing, "/wa-webhook-voice-messages"),
            await _host.PostOkAsync(connect),
        };

        again.ShouldAllBe(answer => answer.Recorded == 0 && answer.Duplicates == 1);
        (await _host.SnapshotAsync()).ShouldBe(before);
        await using var db = _host.App.Db();
        var keyed = _host.App.Services.GetRequiredService<Application.Features.Privacy.Pseudonymizer>();
        (await db.WhatsAppEvents.AsNoTracking().Select(e => e.EventKey).ToListAsync(Ct)).ShouldBe( // keyed: a wacid embeds the number
            [keyed.KeyedId($"call:{callId}:connect"), keyed.KeyedId($"call:{callId}:status:ringing"), keyed.KeyedId($"call:{callId}:terminate")], ignoreOrder: true);
    }

    [Fact]
    public async Task The_same_event_delivered_concurrently_is_recorded_once()
    {
        var callId = NewCallId();
        var waId = NewWaId();
        var connect = Connect(callId, waId);
        var terminate = Terminate(callId, waId);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => _host.PostOkAsync(i % 2 == 0 ? connect : terminate)));

        answers.Sum(answer => answer.Recorded).ShouldBe(2);
        answers.Sum(answer => answer.Duplicates).ShouldBe(6);
        await using var db = _host.App.Db();
        var call = await db.WhatsAppCalls.AsNoTracking().SingleAsync(c => c.WhatsAppCallId == callId, Ct);
        call.Status.ShouldBe(WhatsAppCallStatus.Terminated);
        call.ConnectedAt.ShouldNotBeNull();
        (await db.Profiles.CountAsync(p => p.WhatsAppId == waId.AsWaId(), Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task Different_first_events_of_one_call_arriving_together_make_one_record()
    {
        // Without a user, no profile is involved: the events race for the call's row itself.
        for (var round = 0; round < 5; round++)
        {
            var callId = NewCallId();
            var ringing = CallStatusItem(callId, "0", "RINGING");
            ringing.Remove("recipient_id");
            var accepted = CallStatusItem(callId, "0", "ACCEPTED");
            accepted.Remove("recipient_id");
            var terminate = TerminateItem(callId, "0", "COMPLETED", 9, direction: "BUSINESS_INITIATED");
            terminate.Remove("from");
            terminate.Remove("to");
            string[] bodies =
            [
                Delivery(Entry(Change("calls", Value(statuses: [ringing])))),
                Delivery(Entry(Change("calls", Value(statuses: [accepted])))),
                Delivery(Entry(Change("calls", Value(calls: [terminate])))),
            ];

            var answers = await Task.WhenAll(bodies.Select(body => _host.PostOkAsync(body)));

            answers.Sum(answer => answer.Recorded).ShouldBe(3);
            var call = await FindAsync(callId);
            call.Status.ShouldBe(WhatsAppCallStatus.Terminated);
            call.DurationSeconds.ShouldBe(9);
            call.Direction.ShouldBe(WhatsAppCallDirection.BusinessInitiated);
        }
    }

    [Fact]
    public async Task Several_entries_and_changes_in_one_delivery_are_all_processed()
    {
        var (a, b, c) = (NewCallId(), NewCallId(), NewCallId());
        var (userA, userB, userC) = (NewWaId(), NewWaId(), NewWaId());
        var (audio, text) = (NewMessageId(), NewMessageId());
        var body = Delivery(
            Entry(
                Change("calls", Value(contacts: [Contact(userA, "Ann"), Contact(userB, "Bea")], calls: [ConnectItem(a, userA), ConnectItem(b, userB)])),
                Change("calls", Value(calls: [TerminateItem(a, userA, duration: 5)]))),
            Entry(
                Change("messages", Value(contacts: [Contact(userC, "Cyd")], messages: [AudioItem(audio, userC, "media-1"), TextItem(text, userC, "hi")])),
                Change("calls", Value(statuses: [CallStatusItem(c, userC, "RINGING")]))));

        var answer = await _host.PostOkAsync(body);

        answer.ShouldBe(new WhatsAppAnswer(6, 0, 0));
        (await FindAsync(a)).Status.ShouldBe(WhatsAppCallStatus.Terminated);
        (await FindAsync(b)).Status.ShouldBe(WhatsAppCallStatus.Connected);
        (await FindAsync(c)).Status.ShouldBe(WhatsAppCallStatus.Ringing);
        await using var db = _host.App.Db();
        (await db.VoiceNotes.AsNoTracking().SingleAsync(Ct)).MessageId.ShouldBe(audio);
        (await db.Profiles.AsNoTracking().Select(p => p.Name).OrderBy(n => n).ToListAsync(Ct)).ShouldBe(["Ann", "Bea", "Cyd"]);
    }

    [Fact]
    public async Task Unknown_fields_members_and_events_are_ignored_and_the_rest_is_processed()
    {
        var callId = NewCallId();
        var waId = NewWaId();
        var connect = ConnectItem(callId, waId);
        connect["deeplink_payload"] = "promo-1";
        connect["from_user_id"] = "US.13491208655302741918";
        connect["future"] = new System.Text.Json.Nodes.JsonObject { ["nested"] = new System.Text.Json.Nodes.JsonArray(1, 2) };
        var contact = Contact(waId, "Caller Name");
        contact["username"] = "@caller";
        var recording = new System.Text.Json.Nodes.JsonObject { ["id"] = callId, ["event"] = "call_recording_available", ["timestamp"] = "1" };
        var body = Delivery(Entry(
            Change("calls", Value(contacts: [contact], calls: [connect, recording])),
            Change("account_update", new System.Text.Json.Nodes.JsonObject { ["event"] = "VERIFIED_ACCOUNT" }),
            Change("message_template_status_update", new System.Text.Json.Nodes.JsonObject { ["event"] = "APPROVED" })));
        var withExtras = body.Insert(1, "\"future_top_level\":{\"a\":[1,{\"b\":null}]},");

        var answer = await _host.PostOkAsync(withExtras);

        answer.ShouldBe(new WhatsAppAnswer(1, 0, 3));
        (await FindAsync(callId)).Status.ShouldBe(WhatsAppCallStatus.Connected);
        _host.App.Logs.Text.ShouldContain("\"Name\":\"WA_WEBHOOK_IGNORED\"");
    }

    [Fact]
    public async Task An_OpenAI_call_recorded_first_is_linked_when_the_WhatsApp_connect_arrives()
    {
        var callId = NewCallId();
        var waId = NewWaId();
        var openAiCallId = Events.NewCallId();
        (await _host.App.PostWebhookAsync(WhatsAppInvite(openAiCallId, waId, callId))).StatusCode.ShouldBe(HttpStatusCode.OK);

        await _host.PostOkAsync(Connect(callId, waId));

        await ShouldBeLinkedAsync(callId, openAiCallId);
        _host.App.Logs.Text.ShouldContain("\"Name\":\"WA_CALL_LINKED\"");
    }

    [Fact]
    public async Task A_WhatsApp_call_recorded_first_is_linked_when_the_OpenAI_call_arrives()
    {
        var callId = NewCallId();
        var waId = NewWaId();
        var openAiCallId = Events.NewCallId();
        await _host.PostOkAsync(Terminate(callId, waId, "COMPLETED", 20));

        (await _host.App.PostWebhookAsync(WhatsAppInvite(openAiCallId, waId, callId))).StatusCode.ShouldBe(HttpStatusCode.OK);

        await ShouldBeLinkedAsync(callId, openAiCallId);
        var another = await _host.PostOkAsync(Connect(callId, waId));
        another.Recorded.ShouldBe(1);
        await ShouldBeLinkedAsync(callId, openAiCallId);
    }

    [Fact]
    public async Task The_OpenAI_call_and_the_WhatsApp_connect_arriving_together_are_linked()
    {
        for (var round = 0; round < 5; round++)
        {
            var callId = NewCallId();
            var waId = NewWaId();
            var openAiCallId = Events.NewCallId();

            var invite = _host.App.PostWebhookAsync(WhatsAppInvite(openAiCallId, waId, callId));
            var connect = _host.PostOkAsync(Connect(callId, waId));
            await Task.WhenAll(invite, connect);

            (await invite).StatusCode.ShouldBe(HttpStatusCode.OK);
            await ShouldBeLinkedAsync(callId, openAiCallId);
        }
    }

    [Fact]
    public async Task A_WhatsApp_call_without_an_OpenAI_call_stays_unlinked_and_other_calls_are_not_touched()
    {
        var waId = NewWaId();
        var openAiCallId = Events.NewCallId();
        (await _host.App.PostWebhookAsync(WhatsAppInvite(openAiCallId, waId, NewCallId()))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var callId = NewCallId();

        await _host.PostOkAsync(Connect(callId, waId));

        (await FindAsync(callId)).CallId.ShouldBeNull();
    }

    /// <summary>A WhatsApp call as the SIP edge hands it to OpenAI: from wa.meta.vc, with the WhatsApp call id.</summary>
    internal static string WhatsAppInvite(string openAiCallId, string waId, string whatsAppCallId) =>
        Events.CallIncoming(openAiCallId,
            ("From", $"\"Caller\" <sip:+{waId}@wa.meta.vc>;tag=abc"),
            ("To", $"<sip:+{BusinessNumber}@sip.api.openai.com>"),
            ("x-wa-meta-wacid", whatsAppCallId),
            ("x-wa-meta-phone-number-id", PhoneNumberId));

    private async Task ShouldBeLinkedAsync(string whatsAppCallId, string openAiCallId)
    {
        await using var db = _host.App.Db();
        var call = await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == openAiCallId.AsCallId(), Ct);
        call.Channel.ShouldBe(CallChannel.WhatsApp);
        call.WhatsAppCallId.ShouldBe(whatsAppCallId);
        var whatsAppCall = await db.WhatsAppCalls.AsNoTracking().SingleAsync(c => c.WhatsAppCallId == whatsAppCallId, Ct);
        whatsAppCall.CallId.ShouldBe(call.Id);
        whatsAppCall.ProfileId.ShouldBe(call.ProfileId);
    }

    private async Task<WhatsAppCall> FindAsync(string whatsAppCallId)
    {
        await using var db = _host.App.Db();
        return await db.WhatsAppCalls.AsNoTracking().SingleAsync(c => c.WhatsAppCallId == whatsAppCallId, Ct);
    }
}
