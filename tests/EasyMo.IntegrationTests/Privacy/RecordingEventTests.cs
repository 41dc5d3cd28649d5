using System.Text.Json.Nodes;
using EasyMo.Domain.Common;
using EasyMo.Domain.Profiles;
using EasyMo.IntegrationTests.WhatsApp;
using Microsoft.EntityFrameworkCore;
using static EasyMo.IntegrationTests.WhatsApp.WhatsAppPayloads;

namespace EasyMo.IntegrationTests.Privacy;

/// <summary>Issue 7 item 3: WhatsApp's recording and transcription events, kept as references only with consent.</summary>
public sealed class RecordingEventTests
{
    private static string RecordingEvent(string callId, string waId, string @event) =>
        Delivery(Entry(Change("calls", Value(calls:
        [
            new JsonObject
            {
                ["id"] = callId,
                ["from"] = waId,
                ["to"] = BusinessNumber,
                ["event"] = @event,
                ["timestamp"] = Now.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["recording"] = new JsonObject { ["id"] = "media_123", ["url"] = "https://lookaside.example/rec", ["body"] = "SECRET-AUDIO" },
                ["transcription"] = new JsonObject { ["id"] = "tr_456", ["text"] = "SECRET-WORDS said on the call" },
            },
        ]))));

    private static async Task<WhatsAppHost> HostWithCallerAsync(string waId, bool? consent)
    {
        var host = await WhatsAppHost.StartAsync();
        await using var db = host.App.Db();
        var profile = Profile.Create(PhoneNumber.Parse("+" + waId), waId.AsWaId(), null, null, DateTimeOffset.UtcNow);
        if (consent is { } granted)
        {
            profile.RememberConsent(granted, DateTimeOffset.UtcNow);
        }

        db.Profiles.Add(profile);
        await db.SaveChangesAsync(Ct);
        return host;
    }

    [Fact]
    public async Task A_recording_of_a_caller_who_consented_is_kept_as_a_reference_only()
    {
        var waId = NewWaId();
        await using var host = await HostWithCallerAsync(waId, consent: true);
        var callId = NewCallId();

        var answer = await host.PostOkAsync(RecordingEvent(callId, waId, "call_recording_available"));
        var transcription = await host.PostOkAsync(RecordingEvent(callId, waId, "call_transcription_available"));
        var again = await host.PostOkAsync(RecordingEvent(callId, waId, "call_recording_available"));

        (answer.Recorded, answer.Ignored).ShouldBe((1, 0));
        transcription.Recorded.ShouldBe(1);
        again.Duplicates.ShouldBe(1);
        await using var db = host.App.Db();
        var rows = await db.CallRecordings.AsNoTracking().OrderBy(r => r.Kind).ToListAsync(Ct);
        rows.Select(r => r.Kind).ShouldBe(["recording", "transcription"]);
        rows.ShouldAllBe(r => r.WhatsAppCallId == callId && r.ProfileId != null);
        rows[0].Reference.ShouldContain("media_123");
        rows[0].Reference.ShouldContain("https://lookaside.example/rec");
        rows[1].Reference.ShouldContain("tr_456");
        rows.ShouldAllBe(r => !r.Reference.Contains("SECRET", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(null)]
    public async Task A_recording_of_a_caller_who_did_not_consent_is_ignored_and_counted(bool? consent)
    {
        var waId = NewWaId();
        await using var host = await HostWithCallerAsync(waId, consent);

        var answer = await host.PostOkAsync(RecordingEvent(NewCallId(), waId, "call_recording_available"));
        var transcription = await host.PostOkAsync(RecordingEvent(NewCallId(), waId, "call_transcription_available"));

        (answer.Recorded, answer.Ignored).ShouldBe((0, 1));
        (transcription.Recorded, transcription.Ignored).ShouldBe((0, 1));
        await using var db = host.App.Db();
        (await db.CallRecordings.CountAsync(Ct)).ShouldBe(0);
        host.App.Logs.Text.ShouldContain("WA_CALL_RECORDING_IGNORED");
    }

    [Fact]
    public async Task A_recording_from_an_unknown_sender_creates_no_profile()
    {
        await using var host = await WhatsAppHost.StartAsync();

        var answer = await host.PostOkAsync(RecordingEvent(NewCallId(), NewWaId(), "call_recording_available"));

        answer.Ignored.ShouldBe(1);
        await using var db = host.App.Db();
        (await db.Profiles.CountAsync(Ct)).ShouldBe(0);
        (await db.CallRecordings.CountAsync(Ct)).ShouldBe(0);
    }
}
