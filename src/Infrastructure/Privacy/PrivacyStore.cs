using System.Text.Json;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Features.Privacy;
using EasyMo.Domain.Common;
using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EasyMo.Infrastructure.Privacy;

/// <summary>
/// Finds everything about one caller by number: their profiles (by <c>phone</c> or <c>wa_id</c>), the calls they made
/// (by <c>caller</c> or profile), their WhatsApp calls, voice notes, recordings, the messages sent to them (and the
/// warm-transfer briefs about their calls) and their calls back. Exports
/// rows as PostgreSQL writes them (<c>row_to_json</c>), so an export is exactly what the tables hold.
/// </summary>
internal sealed class PrivacyStore(EasyMoDbContext db, Pseudonymizer pseudonyms) : IPrivacyStore
{
    public async Task<IReadOnlyDictionary<string, JsonElement>> ExportAsync(PhoneNumber phone, CancellationToken cancellationToken)
    {
        var scope = await FindAsync(phone, cancellationToken);
        var tables = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["profiles"] = await RowsAsync("SELECT * FROM profiles WHERE id = ANY(@ids) ORDER BY created_at", scope.Profiles, cancellationToken),
            ["calls"] = await RowsAsync("SELECT * FROM calls WHERE id = ANY(@ids) ORDER BY received_at", scope.Calls, cancellationToken),
            ["call_transcripts"] = await RowsAsync("SELECT * FROM call_transcripts WHERE call_id = ANY(@ids) ORDER BY call_id, sequence", scope.Calls, cancellationToken),
            ["call_requests"] = await RowsAsync("SELECT * FROM call_requests WHERE id = ANY(@ids) ORDER BY at", scope.Requests, cancellationToken),
            ["call_activities"] = await RowsAsync("SELECT * FROM call_activities WHERE call_id = ANY(@ids) ORDER BY at, id", scope.Calls, cancellationToken),
            ["whatsapp_calls"] = await RowsAsync("SELECT * FROM whatsapp_calls WHERE id = ANY(@ids) ORDER BY created_at", scope.WhatsAppCalls, cancellationToken),
            ["voice_notes"] = await RowsAsync("SELECT * FROM voice_notes WHERE id = ANY(@ids) ORDER BY received_at", scope.VoiceNotes, cancellationToken),
            ["call_recordings"] = await RowsAsync("SELECT * FROM call_recordings WHERE id = ANY(@ids) ORDER BY received_at", scope.Recordings, cancellationToken),
            ["outbox_messages"] = await RowsAsync("SELECT * FROM outbox_messages WHERE id = ANY(@ids) ORDER BY created_at", scope.Outbox, cancellationToken),
            ["callbacks"] = await RowsAsync("SELECT * FROM callbacks WHERE id = ANY(@ids) ORDER BY requested_at", scope.Callbacks, cancellationToken),
        };
        return tables;
    }

    public async Task<IReadOnlyDictionary<string, int>> EraseAsync(PhoneNumber phone, string pseudonym, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var scope = await FindAsync(phone, cancellationToken);

        // The caller's calls are locked first: a transcript turn (which locks its call FOR KEY SHARE) or a summary written at the
        // same moment either lands before and is deleted below, or waits and then finds the call erased (no undo).
        await ExecuteAsync("SELECT 1 FROM calls WHERE id = ANY(@ids) FOR UPDATE", scope.Calls, cancellationToken);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["call_transcripts"] = await ExecuteAsync("DELETE FROM call_transcripts WHERE call_id = ANY(@ids)", scope.Calls, cancellationToken),
            ["call_requests"] = await ExecuteAsync("DELETE FROM call_requests WHERE id = ANY(@ids)", scope.Requests, cancellationToken),

            // Call metadata stays for statistics, under a pseudonym: no number, name, profile, summary or analysis.
            ["calls"] = await ExecuteAsync(
                """
                UPDATE calls SET
                    caller_pseudonym = COALESCE(caller_pseudonym, @pseudonym), caller = NULL, caller_name = NULL, profile_id = NULL,
                    summary = NULL,
                    summary_status = CASE WHEN summary_status = 'pending' THEN 'not_kept' ELSE summary_status END,
                    summary_due_at = CASE WHEN summary_status = 'pending' THEN NULL ELSE summary_due_at END,
                    analysis_service = NULL, analysis_outcome = NULL, analysis_sentiment = NULL, analysis_language = NULL,
                    analysis_misunderstood = NULL, analysis_repeated = NULL,
                    analysis_status = CASE WHEN analysis_status = 'pending' THEN 'not_kept' ELSE analysis_status END,
                    analysis_due_at = CASE WHEN analysis_status = 'pending' THEN NULL ELSE analysis_due_at END
                WHERE id = ANY(@ids)
                """,
                scope.Calls,
                cancellationToken,
                new NpgsqlParameter("pseudonym", pseudonym)),
            // WhatsApp's call ids embed the number: kept keyed, so that the call's rows still match each other.
            ["whatsapp_call_ids"] = await WhatsAppIdReplacement.ReplaceAsync(db, pseudonyms, scope.WhatsAppCallIds, cancellationToken),
            ["whatsapp_calls"] = await ExecuteAsync(
                "UPDATE whatsapp_calls SET user_pseudonym = COALESCE(user_pseudonym, @pseudonym), user_wa_id = NULL, user_phone = NULL, profile_id = NULL WHERE id = ANY(@ids)",
                scope.WhatsAppCalls,
                cancellationToken,
                new NpgsqlParameter("pseudonym", pseudonym)),

            // The keys of the caller's messages (WhatsApp message ids are derived from the conversation).
            // Keys are stored keyed now (nothing in them decodes to the number); these are the caller's messages' keys in
            // either form, and the raw keys of rows from before keying.
            ["whatsapp_events"] = await ExecuteAsync(
                "DELETE FROM whatsapp_events WHERE event_key = ANY(@keys) OR split_part(event_key, ':status:', 1) = ANY(@keys)",
                scope.Profiles,
                cancellationToken,
                new NpgsqlParameter("keys", scope.MessageKeys.Concat(scope.MessageKeys.Select(pseudonyms.KeyedId)).ToArray())),
            ["voice_notes"] = await ExecuteAsync("DELETE FROM voice_notes WHERE id = ANY(@ids)", scope.VoiceNotes, cancellationToken),
            ["call_recordings"] = await ExecuteAsync("DELETE FROM call_recordings WHERE id = ANY(@ids)", scope.Recordings, cancellationToken),
            ["outbox_messages"] = await ExecuteAsync("DELETE FROM outbox_messages WHERE id = ANY(@ids)", scope.Outbox, cancellationToken),
            // Queued ones too: an erased caller is not called back.
            ["callbacks"] = await ExecuteAsync("DELETE FROM callbacks WHERE id = ANY(@ids)", scope.Callbacks, cancellationToken),
            ["profiles"] = await ExecuteAsync("DELETE FROM profiles WHERE id = ANY(@ids)", scope.Profiles, cancellationToken),
        };
        await AuditAsync("erase", actor, pseudonym, counts, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return counts;
    }

    public async Task AuditAsync(string action, string actor, string? subject, IReadOnlyDictionary<string, int> counts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        db.PrivacyAudits.Add(new PrivacyAudit
        {
            Id = Guid.CreateVersion7(now),
            At = now,
            Action = action,
            Actor = actor,
            Subject = subject,
            Counts = JsonSerializer.Serialize(counts),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<Scope> FindAsync(PhoneNumber phone, CancellationToken cancellationToken)
    {
        var number = new NpgsqlParameter("phone", phone.Value);
        var digits = new NpgsqlParameter("digits", phone.Digits);
        var profiles = await IdsAsync("SELECT id FROM profiles WHERE phone = @phone OR wa_id = @digits", cancellationToken, number, digits);
        var calls = await IdsAsync("SELECT id FROM calls WHERE caller = @phone OR profile_id = ANY(@profiles)", cancellationToken, Clone(number), Array("profiles", profiles));
        var requests = await IdsAsync("SELECT id FROM call_requests WHERE call_id = ANY(@calls) OR profile_id = ANY(@profiles)", cancellationToken, Array("calls", calls), Array("profiles", profiles));
        var whatsAppCalls = await IdsAsync(
            "SELECT id FROM whatsapp_calls WHERE user_wa_id = @digits OR user_phone = @phone OR profile_id = ANY(@profiles)",
            cancellationToken, Clone(number), Clone(digits), Array("profiles", profiles));
        var voiceNotes = await IdsAsync("SELECT id FROM voice_notes WHERE sender_wa_id = @digits OR profile_id = ANY(@profiles)", cancellationToken, Clone(digits), Array("profiles", profiles));
        var recordings = await IdsAsync(
            "SELECT id FROM call_recordings WHERE profile_id = ANY(@profiles) OR whatsapp_call_id IN (SELECT whatsapp_call_id FROM whatsapp_calls WHERE id = ANY(@wacalls))",
            cancellationToken, Array("profiles", profiles), Array("wacalls", whatsAppCalls));
        // The messages sent to the caller, and the briefs about their calls sent to whoever took them (warm transfers:
        // transfer-brief:{callId}:{n}, the ordinal alone after the call's id, which may itself hold a colon).
        var outbox = await IdsAsync(
            $"""
            SELECT id FROM outbox_messages WHERE recipient = @digits
            UNION
            SELECT o.id FROM outbox_messages o JOIN calls c ON c.id = ANY(@calls) AND {TransferBriefKeys.Of("o.deduplication_key", "c.call_id")}
            """,
            cancellationToken, Clone(digits), Array("calls", calls));
        var callbacks = await IdsAsync("SELECT id FROM callbacks WHERE phone = @phone OR profile_id = ANY(@profiles)", cancellationToken, Clone(number), Array("profiles", profiles));
        var whatsAppCallIds = await db.Database.SqlQueryRaw<string>(
                """
                SELECT whatsapp_call_id AS "Value" FROM whatsapp_calls WHERE id = ANY(@wacalls)
                UNION
                SELECT whatsapp_call_id FROM calls WHERE id = ANY(@calls) AND whatsapp_call_id IS NOT NULL
                """,
                Array("wacalls", whatsAppCalls), Array("calls", calls))
            .ToArrayAsync(cancellationToken);
        var messageKeys = await db.Database.SqlQueryRaw<string>(
                """
                SELECT 'message:' || message_id AS "Value" FROM voice_notes WHERE id = ANY(@notes)
                UNION ALL
                SELECT 'message:' || provider_message_id FROM outbox_messages WHERE id = ANY(@outbox) AND provider_message_id IS NOT NULL
                """,
                Array("notes", voiceNotes), Array("outbox", outbox))
            .ToArrayAsync(cancellationToken);
        return new Scope(profiles, calls, requests, whatsAppCalls, voiceNotes, recordings, outbox, messageKeys, callbacks, whatsAppCallIds);
    }

    // The SQL put together here is always one of this class's constant statements; values go in as parameters.
#pragma warning disable EF1003
    private async Task<Guid[]> IdsAsync(string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        await db.Database.SqlQueryRaw<Guid>("SELECT id AS \"Value\" FROM (" + sql + ") AS found", parameters).ToArrayAsync(cancellationToken);

    private async Task<JsonElement> RowsAsync(string sql, Guid[] ids, CancellationToken cancellationToken)
    {
        var json = await db.Database
            .SqlQueryRaw<string>("SELECT COALESCE(json_agg(row_to_json(rows)), '[]'::json)::text AS \"Value\" FROM (" + sql + ") AS rows", Array("ids", ids))
            .SingleAsync(cancellationToken);
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

#pragma warning restore EF1003

    private Task<int> ExecuteAsync(string sql, Guid[] ids, CancellationToken cancellationToken, params NpgsqlParameter[] more) =>
        db.Database.ExecuteSqlRawAsync(sql, [Array("ids", ids), .. more], cancellationToken);

    private static NpgsqlParameter Array(string name, Guid[] ids) => new(name, NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid) { Value = ids };

    private static NpgsqlParameter Clone(NpgsqlParameter parameter) => parameter.Clone();

    private sealed record Scope(
        Guid[] Profiles,
        Guid[] Calls,
        Guid[] Requests,
        Guid[] WhatsAppCalls,
        Guid[] VoiceNotes,
        Guid[] Recordings,
        Guid[] Outbox,
        string[] MessageKeys,
        Guid[] Callbacks,
        string[] WhatsAppCallIds);
}
