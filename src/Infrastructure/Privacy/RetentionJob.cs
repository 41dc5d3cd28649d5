using System.Text.Json;
using EasyMo.Application.Features.Privacy;
using EasyMo.Infrastructure.Persistence;
using EasyMo.Infrastructure.Work;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EasyMo.Infrastructure.Privacy;

/// <summary>
/// Every <see cref="PrivacyOptions.RetentionInterval"/>: purges content older than <see cref="PrivacyOptions.RetainContentFor"/>
/// (transcripts, requests, summaries, voice notes, recording references, messages no longer pending, transfer briefs
/// whatever their state) and replaces
/// caller numbers on call metadata older than <see cref="PrivacyOptions.PseudonymiseAfter"/> with their pseudonym.
/// A work of the <see cref="WorkRunner{TWork,TKey}"/>, safe with several instances: a run first takes the
/// <c>retention</c> lease in <c>work_leases</c> (by the database's clock; no session lock, so it works behind a
/// transaction-pooling proxy too); an instance that cannot take it skips this run (another one is doing the work). A run
/// stops at its deadline, inside the lease; what is left is done by the next one. Each batch is a short transaction
/// whose rows are locked with <c>FOR UPDATE SKIP LOCKED</c> (they may be erased or ended at the same moment), so no row
/// is ever worked on twice.
/// </summary>
internal sealed partial class RetentionJob(
    IServiceScopeFactory scopes,
    IOptions<PrivacyOptions> options,
    Pseudonymizer pseudonyms,
    WorkInstance instance,
    TimeProvider time,
    ILogger<RetentionJob> logger) : ILeasedWork<string>
{
    public const string Actor = "retention-job";

    /// <summary>The lease a run holds in <c>work_leases</c>.</summary>
    public const string LeaseName = "retention";

    /// <summary>The most one run may take; the rest waits for the next run.</summary>
    private static readonly TimeSpan RunDeadline = TimeSpan.FromMinutes(10);

    private static readonly (string Table, string Sql)[] Purges =
    [
        ("call_transcripts", "DELETE FROM call_transcripts WHERE id IN (SELECT id FROM call_transcripts WHERE at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)"),
        ("call_requests", "DELETE FROM call_requests WHERE id IN (SELECT id FROM call_requests WHERE at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)"),
        // Call.ForgetContent in bulk: the summary goes, and a summary still to be written is not kept (PrivacyRulesTests).
        ("calls.summary", "UPDATE calls SET summary = NULL, summary_status = CASE WHEN summary_status = 'pending' THEN 'not_kept' ELSE summary_status END, summary_due_at = CASE WHEN summary_status = 'pending' THEN NULL ELSE summary_due_at END WHERE id IN (SELECT id FROM calls WHERE (summary IS NOT NULL OR summary_status = 'pending') AND COALESCE(ended_at, received_at) < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)"),
        // The analysis is content too (Call.ForgetContent): its columns go, and one still to be made is not kept.
        ("calls.analysis", "UPDATE calls SET analysis_service = NULL, analysis_outcome = NULL, analysis_sentiment = NULL, analysis_language = NULL, analysis_misunderstood = NULL, analysis_repeated = NULL, analysis_status = CASE WHEN analysis_status = 'pending' THEN 'not_kept' ELSE analysis_status END, analysis_due_at = CASE WHEN analysis_status = 'pending' THEN NULL ELSE analysis_due_at END WHERE id IN (SELECT id FROM calls WHERE (analysis_service IS NOT NULL OR analysis_status = 'pending') AND COALESCE(ended_at, received_at) < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)"),
        ("voice_notes", "DELETE FROM voice_notes WHERE id IN (SELECT id FROM voice_notes WHERE received_at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)"),
        ("call_recordings", "DELETE FROM call_recordings WHERE id IN (SELECT id FROM call_recordings WHERE received_at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)"),
        ("outbox_messages", "DELETE FROM outbox_messages WHERE id IN (SELECT id FROM outbox_messages WHERE status <> 'pending' AND created_at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)"),
        // A warm transfer's brief holds what a caller said; one never sent (WhatsApp not configured) is not kept for ever either.
        ("outbox_messages.transfer_briefs", "DELETE FROM outbox_messages WHERE id IN (SELECT id FROM outbox_messages WHERE status = 'pending' AND deduplication_key LIKE 'transfer-brief:%' AND created_at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)"),
        // A call back holds the number it called; settled ones go with the content (one still queued or dialing is live work).
        ("callbacks", "DELETE FROM callbacks WHERE id IN (SELECT id FROM callbacks WHERE status NOT IN ('queued', 'dialing') AND requested_at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)"),

        // Event keys hold WhatsApp message ids, which Meta derives from the conversation; Meta retries for days, not months.
        ("whatsapp_events", "DELETE FROM whatsapp_events WHERE event_key IN (SELECT event_key FROM whatsapp_events WHERE received_at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)"),
    ];

    public string Name => "retention";

    /// <summary>One run per interval: its one item is due again as soon as it is done, so a sweep takes one batch.</summary>
    public WorkSchedule Schedule => new(options.Value.RetentionInterval, 1, RunDeadline + TimeSpan.FromMinutes(1), RunDeadline, Drain: false);

    public bool CanRun() => options.Value.RetentionEnabled;

    /// <summary>The one item, when this instance takes the run's lease; none when another instance holds it.</summary>
    public async Task<IReadOnlyList<WorkItem<string>>> ClaimAsync(IServiceProvider services, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        var claimedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        var until = await WorkLeases.TryTakeAsync(services.GetRequiredService<EasyMoDbContext>(), LeaseName, instance.Id, lease, cancellationToken);
        if (until is null)
        {
            Skipped(logger);
            return [];
        }

        return [new WorkItem<string>(LeaseName, until.Value, lease, claimedAt)];
    }

    public Task ProcessAsync(IServiceProvider services, WorkItem<string> item, CancellationToken cancellationToken) =>
        RunAndReleaseAsync(services.GetRequiredService<EasyMoDbContext>(), cancellationToken);

    /// <summary>
    /// One run now, as the runner would do it: rows purged or pseudonymised per table; empty when another instance's run
    /// holds the lease.
    /// </summary>
    internal async Task<IReadOnlyDictionary<string, int>> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var claimed = await ClaimAsync(scope.ServiceProvider, Schedule.Lease, 1, cancellationToken);
        if (claimed.Count == 0)
        {
            return new Dictionary<string, int>(StringComparer.Ordinal);
        }

        return await RunAndReleaseAsync(scope.ServiceProvider.GetRequiredService<EasyMoDbContext>(), cancellationToken);
    }

    /// <summary>One run under the lease just taken, which is given up at the end, however the run ended.</summary>
    private async Task<IReadOnlyDictionary<string, int>> RunAndReleaseAsync(EasyMoDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(db, cancellationToken);
        }
        finally
        {
            await WorkLeases.ReleaseAsync(db, LeaseName, instance.Id, CancellationToken.None);
        }
    }

    private async Task<IReadOnlyDictionary<string, int>> RunAsync(EasyMoDbContext db, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var purged = new Dictionary<string, int>(StringComparer.Ordinal);
        var pseudonymised = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            await RunLockedAsync(db, settings, now, purged, pseudonymised, cancellationToken);
        }
        finally
        {
            // What was done is reported and audited even when the run stopped at its deadline or failed part-way.
            await AuditAsync(db, "purge", purged, now, CancellationToken.None);
            await AuditAsync(db, "pseudonymise", pseudonymised, now, CancellationToken.None);
        }

        return Report(purged, pseudonymised);
    }

    private async Task RunLockedAsync(
        EasyMoDbContext db,
        PrivacyOptions settings,
        DateTimeOffset now,
        Dictionary<string, int> purged,
        Dictionary<string, int> pseudonymised,
        CancellationToken cancellationToken)
    {
        foreach (var (table, sql) in Purges)
        {
            Add(purged, table, await BatchesAsync(db, async () => await db.Database.ExecuteSqlRawAsync(
                sql,
                [new NpgsqlParameter("cutoff", now - settings.RetainContentFor), new NpgsqlParameter("batch", settings.RetentionBatchSize)],
                cancellationToken), settings.RetentionBatchSize, cancellationToken));
        }

        var cutoff = now - settings.PseudonymiseAfter;
        if (!pseudonyms.IsConfigured)
        {
            var due = await db.Database
                .SqlQueryRaw<bool>("SELECT EXISTS (SELECT 1 FROM calls WHERE (caller IS NOT NULL OR profile_id IS NOT NULL) AND received_at < @cutoff) AS \"Value\"", new NpgsqlParameter("cutoff", cutoff))
                .SingleAsync(cancellationToken);
            if (due)
            {
                NoPseudonymKey(logger);
            }

            return;
        }

        // Call.Pseudonymise and WhatsAppCall.Pseudonymise in bulk: a row tied to the person by the number or only by the
        // profile loses both and keeps the pseudonym of the number (the profile's when the row has none; PrivacyRulesTests).
        Add(pseudonymised, "calls", await BatchesAsync(db, () => PseudonymiseAsync(
            db,
            "SELECT c.id, COALESCE(c.caller, p.phone, '+' || p.wa_id) AS number FROM calls c LEFT JOIN profiles p ON p.id = c.profile_id WHERE (c.caller IS NOT NULL OR c.profile_id IS NOT NULL) AND c.received_at < @cutoff LIMIT @batch FOR UPDATE OF c SKIP LOCKED",
            "UPDATE calls SET caller_pseudonym = COALESCE(caller_pseudonym, u.psn), caller = NULL, caller_name = NULL, profile_id = NULL FROM unnest(@ids, @psns) AS u(id, psn) WHERE calls.id = u.id",
            cutoff,
            settings.RetentionBatchSize,
            cancellationToken), settings.RetentionBatchSize, cancellationToken));
        Add(pseudonymised, "whatsapp_calls", await BatchesAsync(db, () => PseudonymiseAsync(
            db,
            "SELECT w.id, COALESCE(w.user_phone, '+' || w.user_wa_id, p.phone, '+' || p.wa_id) AS number FROM whatsapp_calls w LEFT JOIN profiles p ON p.id = w.profile_id WHERE (w.user_phone IS NOT NULL OR w.user_wa_id IS NOT NULL OR w.profile_id IS NOT NULL) AND w.created_at < @cutoff LIMIT @batch FOR UPDATE OF w SKIP LOCKED",
            "UPDATE whatsapp_calls SET user_pseudonym = COALESCE(user_pseudonym, u.psn), user_wa_id = NULL, user_phone = NULL, profile_id = NULL FROM unnest(@ids, @psns) AS u(id, psn) WHERE whatsapp_calls.id = u.id",
            cutoff,
            settings.RetentionBatchSize,
            cancellationToken), settings.RetentionBatchSize, cancellationToken));

        // WhatsApp's call ids embed the number: a pseudonymised call keeps its id keyed (WhatsAppIdReplacement), so that
        // nothing of it decodes back to the number.
        Add(pseudonymised, "whatsapp_call_ids", await BatchesAsync(db, async () =>
        {
            var raw = await WhatsAppIdReplacement.OfPseudonymisedAsync(db, settings.RetentionBatchSize, cancellationToken);
            await WhatsAppIdReplacement.ReplaceAsync(db, pseudonyms, raw, cancellationToken);
            return raw.Count;
        }, settings.RetentionBatchSize, cancellationToken));
    }

    /// <summary>Runs <paramref name="batch"/>, each in a transaction of its own, until one touches fewer than <paramref name="size"/> rows.</summary>
    private static async Task<int> BatchesAsync(EasyMoDbContext db, Func<Task<int>> batch, int size, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var done = await batch();
            await transaction.CommitAsync(cancellationToken);
            total += done;
            if (done < size)
            {
                return total;
            }
        }
    }

    private async Task<int> PseudonymiseAsync(EasyMoDbContext db, string select, string update, DateTimeOffset cutoff, int batch, CancellationToken cancellationToken)
    {
        var rows = await db.Database
            .SqlQueryRaw<NumberRow>(select, new NpgsqlParameter("cutoff", cutoff), new NpgsqlParameter("batch", batch))
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return 0;
        }

        var ids = rows.Select(row => row.Id).ToArray();
        // A row whose person left no number anywhere keeps the pseudonym it has (none): there is nothing to derive one from.
        var psns = rows.Select(row => row.Number is null ? null : pseudonyms.For(row.Number)).ToArray();
        await db.Database.ExecuteSqlRawAsync(update, [new NpgsqlParameter("ids", ids), new NpgsqlParameter("psns", psns)], cancellationToken);
        return rows.Count;
    }

    private static async Task AuditAsync(EasyMoDbContext db, string action, Dictionary<string, int> counts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (counts.Values.All(count => count == 0))
        {
            return;
        }

        db.PrivacyAudits.Add(new PrivacyAudit
        {
            Id = Guid.CreateVersion7(now),
            At = now,
            Action = action,
            Actor = Actor,
            Counts = JsonSerializer.Serialize(counts),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private Dictionary<string, int> Report(Dictionary<string, int> purged, Dictionary<string, int> pseudonymised)
    {
        var report = new Dictionary<string, int>(purged, StringComparer.Ordinal);
        foreach (var (table, count) in pseudonymised)
        {
            report[$"{table}.pseudonymised"] = count;
        }

        if (report.Values.Any(count => count > 0))
        {
            Ran(logger, JsonSerializer.Serialize(report));
        }

        return report;
    }

    private static void Add(Dictionary<string, int> counts, string table, int count) => counts[table] = counts.GetValueOrDefault(table) + count;

    private sealed record NumberRow(Guid Id, string? Number);

    [LoggerMessage(EventId = 1380, EventName = "PRIVACY_RETENTION_RAN", Level = LogLevel.Information, Message = "Retention job: {Counts}")]
    private static partial void Ran(ILogger logger, string counts);

    [LoggerMessage(EventId = 1383, EventName = "PRIVACY_RETENTION_SKIPPED", Level = LogLevel.Debug, Message = "Retention job: another instance is running it")]
    private static partial void Skipped(ILogger logger);

    [LoggerMessage(EventId = 1381, EventName = "PRIVACY_RETENTION_NO_KEY", Level = LogLevel.Warning, Message = "Retention job: Privacy:PseudonymKey is not configured, call numbers are not pseudonymised")]
    private static partial void NoPseudonymKey(ILogger logger);
}
