using EasyMo.Application.Features.Privacy;
using EasyMo.Domain.Callbacks;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;
using EasyMo.Domain.Profiles;
using EasyMo.Domain.WhatsApp;
using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EasyMo.IntegrationTests.Privacy;

/// <summary>A caller with something in every table that can hold what is about them, for erasure, export and retention.</summary>
internal static class PrivacyScenario
{
    public const string PseudonymKey = "test-pseudonym-key-0123456789abcdef-0123456789";

    public static readonly string[] PersonalTables =
        ["profiles", "calls", "call_transcripts", "call_requests", "call_activities", "whatsapp_calls", "voice_notes", "call_recordings", "outbox_messages", "callbacks"];

    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra) =>
        WithPrivacy(PseudonymKey)
            .With([("Privacy:RetentionEnabled", "false")]) // the tests run the job themselves, on a fake clock
            .With(extra);

    public static Pseudonymizer Pseudonyms(string key = PseudonymKey) => new(Options.Create(new PrivacyOptions { PseudonymKey = key }));

    /// <summary>What was stored for one call of a caller.</summary>
    public sealed record Seeded(Guid ProfileId, Guid CallId, string OpenAiCallId, string WhatsAppCallId, string VoiceNoteMessageId);

    /// <summary>
    /// A caller (<paramref name="phone"/>) whose consented call at <paramref name="at"/> left a transcript, a request,
    /// activities and a summary; with a WhatsApp call, a voice note (and its event key), a recording reference and a
    /// sent reply. The number also appears in what they said, as callers do when they give it.
    /// </summary>
    public static async Task<Seeded> SeedCallerAsync(EasyMoDbContext db, string phone, DateTimeOffset at, Profile? existing = null)
    {
        var number = PhoneNumber.Parse(phone);
        var profile = existing ?? Profile.Create(number, number.Digits.AsWaId(), "Aline Uwase", Language.Kinyarwanda, at);
        if (existing is null)
        {
            profile.RememberConsent(granted: true, at);
            db.Profiles.Add(profile);
        }

        var openAiCallId = Events.NewCallId();
        var whatsAppCallId = "wacid.HBgL" + Guid.NewGuid().ToString("N");
        var call = Call.Receive(openAiCallId.AsCallId(), CallChannel.WhatsApp, number, "Aline Uwase", PhoneNumber.Parse("+250788000111"), at, whatsAppCallId);
        call.Identify(profile.Id, Language.Kinyarwanda);
        call.Accept(at, "gpt-realtime", "marin");
        call.RecordConsent(granted: true, at);
        call.End(at.AddMinutes(3), CallEndReason.CallerHangup);
        call.RecordSummary($"Aline ({phone}) wanted a moto from Kimironko.", at.AddMinutes(4));
        call.RecordAnalysis(new CallAnalysis("rides", CallOutcome.FollowUp, CallerSentiment.Neutral, SpokenLanguage.Rw, Misunderstood: false, Repeated: true), at.AddMinutes(4));
        db.Calls.Add(call);
        db.Transcripts.Add(TranscriptTurn.Create(call.Id, 1, Speaker.Caller, $"My number is {phone}, I need a moto.", "item_1", at.AddSeconds(5)));
        db.Transcripts.Add(TranscriptTurn.Create(call.Id, 2, Speaker.Agent, "Where are you?", "item_2", at.AddSeconds(8)));
        db.CallRequests.Add(CallRequest.Record(call.Id, profile.Id, "rides", "Kimironko", $"call back on {number.Digits}", at.AddSeconds(30)));
        db.CallActivities.Add(CallActivity.Record(call.Id, CallActivityKind.ToolCall, "record_request", "rides", at.AddSeconds(30)));

        var whatsAppCall = WhatsAppCall.FromConnect(
            whatsAppCallId, new WhatsAppCallParties(WhatsAppCallDirection.UserInitiated, number.Digits.AsWaId(), number, "106540352242922"), at, at);
        whatsAppCall.LinkProfile(profile.Id, at);
        db.WhatsAppCalls.Add(whatsAppCall);
        db.CallRecordings.Add(CallRecording.Keep(whatsAppCallId, "recording", profile.Id, """{"call_id":"x","recording":{"id":"media_1"}}""", at));

        var messageId = "wamid.HBgL" + Guid.NewGuid().ToString("N");
        var note = VoiceNote.Receive(messageId, number.Digits.AsWaId(), profile.Id, "106540352242922", "media_" + Guid.NewGuid().ToString("N"), "audio/ogg", true, at, at);
        db.VoiceNotes.Add(note);
        db.WhatsAppEvents.Add(new WhatsAppEvent { EventKey = "message:" + messageId, Kind = "message", ReceivedAt = at });

        var reply = OutboxMessage.VoiceNoteReply(messageId, number, Language.Kinyarwanda, $"Murakoze {profile.Name}!", at);
        reply.MarkSent("wamid.out" + Guid.NewGuid().ToString("N"), at);
        db.OutboxMessages.Add(reply);
        db.WhatsAppEvents.Add(new WhatsAppEvent { EventKey = $"message:{reply.ProviderMessageId}:status:delivered", Kind = "message_status", ReceivedAt = at });

        // A call back that rang: it holds the number too.
        var callback = Callback.Offer(number, profile.Id, Language.Kinyarwanda, TimeZoneInfo.Utc, CallbackReason.Busy, call.CallId, at, TimeSpan.FromHours(1));
        db.Callbacks.Add(callback);

        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE callbacks SET status = 'answered', session_id = {"live_" + Guid.NewGuid().ToString("N")}, settled_at = {at} WHERE id = {callback.Id}",
            TestContext.Current.CancellationToken);
        return new Seeded(profile.Id, call.Id, openAiCallId, whatsAppCallId, messageId);
    }

    /// <summary>Every text, varchar and json column of the public schema holding <paramref name="needle"/>, as <c>table.column</c> (rows).</summary>
    public static async Task<List<string>> FindEverywhereAsync(EasyMoDbContext db, string needle)
    {
        var ct = TestContext.Current.CancellationToken;
        var columns = await db.Database.SqlQueryRaw<string>(
            """
            SELECT format('%I.%I', table_name, column_name) AS "Value" FROM information_schema.columns
            WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')
            ORDER BY 1
            """).ToListAsync(ct);
        columns.ShouldContain("calls.caller");
        var hits = new List<string>();
        foreach (var column in columns)
        {
            var parts = column.Split('.');
            // Identifiers come from information_schema, quoted by format('%I'); the needle is a parameter.
#pragma warning disable EF1002
            var count = await db.Database.SqlQueryRaw<int>(
                $"SELECT count(*)::int AS \"Value\" FROM public.{parts[0]} WHERE {parts[1]}::text LIKE '%' || @needle || '%'",
                new Npgsql.NpgsqlParameter("needle", needle)).SingleAsync(ct);
#pragma warning restore EF1002
            if (count > 0)
            {
                hits.Add($"{column} ({count})");
            }
        }

        return hits;
    }
}
