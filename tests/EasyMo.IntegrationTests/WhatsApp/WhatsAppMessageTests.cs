using Microsoft.Extensions.DependencyInjection;
using EasyMo.Domain.Common;
using EasyMo.Domain.WhatsApp;
using Microsoft.EntityFrameworkCore;
using static EasyMo.IntegrationTests.WhatsApp.WhatsAppPayloads;

namespace EasyMo.IntegrationTests.WhatsApp;

/// <summary>
/// Field <c>messages</c>: message ids recorded once, voice notes kept for the worker, statuses of sent messages
/// deduplicated, and the contact's WhatsApp name kept on the profile — up to the greeting of a phone call.
/// </summary>
public sealed class WhatsAppMessageTests : IAsyncLifetime
{
    private WhatsAppHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await WhatsAppHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_voice_note_is_kept_pending_for_the_worker()
    {
        var messageId = NewMessageId();
        var waId = await Consenting.WaIdAsync(_host.App); // a sender who agreed that their notes may be kept

        var answer = await _host.PostOkAsync(Audio(messageId, waId, "1126891328716377"), "/wa-webhook-voice-messages");

        answer.ShouldBe(new WhatsAppAnswer(1, 0, 0));
        await using var db = _host.App.Db();
        var note = await db.VoiceNotes.AsNoTracking().SingleAsync(Ct);
        note.MessageId.ShouldBe(messageId);
        note.SenderWaId.Value.ShouldBe(waId);
        note.MediaId.ShouldBe("1126891328716377");
        note.MimeType.ShouldBe("audio/ogg; codecs=opus");
        note.IsVoice.ShouldBeTrue();
        note.Status.ShouldBe(VoiceNoteStatus.Pending);
        note.BusinessPhoneNumberId.ShouldBe(PhoneNumberId);
        note.SentAt.ShouldNotBeNull();
        note.ReceivedAt.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-1));
        var profile = await db.Profiles.AsNoTracking().SingleAsync(p => p.Id == note.ProfileId, Ct);
        profile.WhatsAppId?.Value.ShouldBe(waId);
        (await db.WhatsAppEvents.AsNoTracking().SingleAsync(Ct)).EventKey.ShouldBe(Keyed($"message:{messageId}")); // keyed: a wamid embeds the number
        _host.App.Logs.Text.ShouldContain("\"Name\":\"WA_VOICE_NOTE_QUEUED\"");
    }

    [Fact]
    public async Task A_forwarded_audio_file_is_kept_too_and_a_redelivered_note_only_once()
    {
        var messageId = NewMessageId();
        var waId = await Consenting.WaIdAsync(_host.App);
        var body = Delivery(Entry(Change("messages", Value(messages: [AudioItem(messageId, waId, "9988", voice: false)]))));

        var first = await _host.PostOkAsync(body);
        var second = await _host.PostOkAsync(body);

        first.Recorded.ShouldBe(1);
        second.Duplicates.ShouldBe(1);
        await using var db = _host.App.Db();
        (await db.VoiceNotes.AsNoTracking().SingleAsync(Ct)).IsVoice.ShouldBeFalse();
    }

    [Fact]
    public async Task A_text_message_names_the_profile_and_stores_neither_a_voice_note_nor_the_text()
    {
        var messageId = NewMessageId();
        var waId = NewWaId();

        var answer = await _host.PostOkAsync(Text(messageId, waId, "Aline Uwase", "Ndashaka moto i Kimironko 4711"));

        answer.Recorded.ShouldBe(1);
        await using var db = _host.App.Db();
        (await db.VoiceNotes.CountAsync(Ct)).ShouldBe(0);
        var profile = await db.Profiles.AsNoTracking().SingleAsync(p => p.WhatsAppId == waId.AsWaId(), Ct);
        profile.Name.ShouldBe("Aline Uwase");
        profile.Phone.ShouldBe(PhoneNumber.Parse("+" + waId));
        (await _host.SnapshotAsync()).ShouldNotContain("Kimironko 4711");
        _host.App.Logs.Text.ShouldNotContain("Kimironko");
    }

    [Fact]
    public async Task A_new_WhatsApp_name_renames_the_profile_and_a_nameless_contact_keeps_it()
    {
        var waId = NewWaId();
        await _host.PostOkAsync(Text(NewMessageId(), waId, "Aline"));

        await _host.PostOkAsync(Text(NewMessageId(), waId, "Aline Uwase"));
        await _host.PostOkAsync(Delivery(Entry(Change("messages", Value(messages: [TextItem(NewMessageId(), waId, "no contact")])))));
        await _host.PostOkAsync(Text(NewMessageId(), waId, "  \u0007 "));

        await using var db = _host.App.Db();
        (await db.Profiles.AsNoTracking().SingleAsync(p => p.WhatsAppId == waId.AsWaId(), Ct)).Name.ShouldBe("Aline Uwase");
    }

    [Fact]
    public async Task A_profile_known_from_a_phone_call_gets_the_WhatsApp_id_and_name()
    {
        var phone = Events.NewRwandanNumber();
        (await _host.App.PostWebhookAsync(Events.CarrierCall(Events.NewCallId(), phone))).StatusCode.ShouldBe(HttpStatusCode.OK);

        await _host.PostOkAsync(Text(NewMessageId(), phone[1..], "Jean Bosco"));

        await using var db = _host.App.Db();
        var profile = await db.Profiles.AsNoTracking().SingleAsync(Ct);
        profile.Phone.ShouldBe(PhoneNumber.Parse(phone));
        profile.WhatsAppId?.Value.ShouldBe(phone[1..]);
        profile.Name.ShouldBe("Jean Bosco");
    }

    [Fact]
    public async Task The_WhatsApp_name_reaches_the_greeting_of_a_phone_call_from_the_same_number()
    {
        var phone = Events.NewRwandanNumber();
        await _host.PostOkAsync(Text(NewMessageId(), phone[1..], "Aline Uwase"));
        var callId = Events.NewCallId();

        (await _host.App.PostWebhookAsync(Events.CarrierCall(callId, phone))).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var accept = JsonDocument.Parse(_host.App.OpenAi.For("accept", callId).ShouldHaveSingleItem().Body);
        accept.RootElement.GetProperty("instructions").GetString().ShouldNotBeNull().ShouldContain("Aline Uwase");
        await using var db = _host.App.Db();
        (await db.Profiles.CountAsync(Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task The_name_from_a_WhatsApp_call_reaches_the_greeting_as_well()
    {
        var waId = NewWaId();
        await _host.PostOkAsync(Connect(NewCallId(), waId, "Hélène Mukamana"));
        var callId = Events.NewCallId();

        (await _host.App.PostWebhookAsync(Events.CarrierCall(callId, "+" + waId))).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var accept = JsonDocument.Parse(_host.App.OpenAi.For("accept", callId).ShouldHaveSingleItem().Body);
        accept.RootElement.GetProperty("instructions").GetString().ShouldNotBeNull().ShouldContain("Hélène Mukamana");
    }

    [Fact]
    public async Task Statuses_of_sent_messages_are_accepted_and_deduplicated_per_status()
    {
        var messageId = NewMessageId();
        var waId = NewWaId();

        var sent = await _host.PostOkAsync(MessageStatus(messageId, waId, "sent"));
        var delivered = await _host.PostOkAsync(MessageStatus(messageId, waId, "delivered"));
        var again = await _host.PostOkAsync(MessageStatus(messageId, waId, "delivered"));

        sent.Recorded.ShouldBe(1);
        delivered.Recorded.ShouldBe(1);
        again.ShouldBe(new WhatsAppAnswer(0, 1, 0));
        await using var db = _host.App.Db();
        (await db.WhatsAppEvents.AsNoTracking().Select(e => e.EventKey).ToListAsync(Ct))
            .ShouldBe([Keyed($"message:{messageId}:status:delivered"), Keyed($"message:{messageId}:status:sent")], ignoreOrder: true);
        (await db.Profiles.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Messages_without_an_id_are_ignored_and_the_others_processed()
    {
        var waId = NewWaId();
        var nameless = TextItem(NewMessageId(), waId, "x");
        nameless.Remove("id");
        var good = NewMessageId();

        var answer = await _host.PostOkAsync(Delivery(Entry(Change("messages", Value(messages: [nameless, TextItem(good, waId, "y")])))));

        answer.ShouldBe(new WhatsAppAnswer(1, 0, 1));
    }

    /// <summary>An event key as the service stores it: keyed, since WhatsApp's ids embed the user's number.</summary>
    private string Keyed(string key) =>
        _host.App.Services.GetRequiredService<Application.Features.Privacy.Pseudonymizer>().KeyedId(key);
}
