using System.Text.Json;
using EasyMo.Application.Privacy;
using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EasyMo.Infrastructure.Privacy;

/// <summary>
/// Every <see cref="PrivacyOptions.RetentionInterval"/>: purges content older than <see cref="PrivacyOptions.RetainContentFor"/>
/// (transcripts, requests, summaries, voice notes, recording references, messages no longer pending) and replaces
/// caller numbers on call metadata older than <see cref="PrivacyOptions.PseudonymiseAfter"/> with their pseudonym.
/// Safe with several instances: a run first takes a PostgreSQL session advisory lock (<c>pg_try_advisory_lock</c>); an
/// instance that cannot take it skips this run (another one is doing the work). Each batch is a short transaction whose
/// rows are locked with <c>FOR UPDATE SKIP LOCKED</c> (they may be erased or ended at the same moment), so no row is
/// ever worked on twice.
/// </summary>
internal sealed partial class RetentionJob(
    IServiceScopeFactory scopes,
    IOptions<PrivacyOptions> options,
    Pseudonymizer pseudonyms,
    TimeProvider time,
    ILogger<RetentionJob> logger) : BackgroundService
{
    public const string Actor = "retention-job";

    /// <summary>The advisory lock's key ("EasyMO retention").</summary>
    private const long LockKey = 0x45_4D_4F_52_45_54_4E;

    private static readonly (string Table, string Sql)[] Purges =
    [
        ("call_transcripts", "DELETE FROM call_transcripts WHERE id IN (SELECT id FROM call_transcripts WHERE at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)"),
        ("call_requests", "DELETE FROM call_requests WHERE id IN (SELECT id FROM call_requests WHERE at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)"),
        ("calls.summary", "UPDATE calls SET summary = NULL WHERE id IN (SELECT id FROM calls WHERE summary IS NOT NULL AND COALESCE(ended_at, received_at) < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)"),
        ("voice_notes", "DELETE FROM voice_notes WHERE id IN (SELECT id FROM voice_notes WHERE received_at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)"),
        ("call_recordings", "DELETE FROM call_recordings WHERE id IN (SELECT id FROM call_recordings WHERE received_at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)"),
        ("outbox_messages", "DELETE FROM outbox_messages WHERE id IN (SELECT id FROM outbox_messages WHERE status <> 'pending' AND created_at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)"),

        // Event keys hold WhatsApp message ids, which Meta derives from the conversation; Meta retries for days, not months.
        ("whatsapp_events", "DELETE FROM whatsapp_events WHERE event_key IN (SELECT event_key FROM whatsapp_events WHERE received_at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)"),
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.RetentionEnabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(settings.RetentionInterval, time);
        try
        {
            do
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    Failed(logger, exception.GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is left is done by the next run, here or on another instance.
        }
    }

    /// <summary>
    /// One run: rows purged or pseudonymised per table; empty when another instance's run holds the lock. The run holds
    /// a session-level advisory lock on its own connection from start to end, so runs never overlap; each batch is a
    /// transaction of its own, so no transaction stays open long.
    /// </summary>
    internal async Task<IReadOnlyDictionary<string, int>> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var purged = new Dictionary<string, int>(StringComparer.Ordinal);
        var pseudonymised = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EasyMoDbContext>();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (!await LockAsync(db, "SELECT pg_try_advisory_lock(@key) AS \"Value\"", cancellationToken))
            {
                Skipped(logger);
                return purged;
            }

            try
            {
                await RunLockedAsync(db, settings, now, purged, pseudonymised, cancellationToken);
            }
            finally
            {
                // The connection goes back to the pool: the lock must not go with it.
                await LockAsync(db, "SELECT pg_advisory_unlock(@key) AS \"Value\"", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        var report = Report(purged, pseudonymised);
        await AuditAsync(db, "purge", purged, now, cancellationToken);
        await AuditAsync(db, "pseudonymise", pseudonymised, now, cancellationToken);
        return report;
    }

    private static Task<bool> LockAsync(EasyMoDbContext db, string sql, CancellationToken cancellationToken) =>
        db.Database.SqlQueryRaw<bool>(sql, new NpgsqlParameter("key", LockKey)).SingleAsync(cancellationToken);

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
                .SqlQueryRaw<bool>("SELECT EXISTS (SELECT 1 FROM calls WHERE caller IS NOT NULL AND received_at < @cutoff) AS \"Value\"", new NpgsqlParameter("cutoff", cutoff))
                .SingleAsync(cancellationToken);
            if (due)
            {
                NoPseudonymKey(logger);
            }

            return;
        }

        Add(pseudonymised, "calls", await BatchesAsync(db, () => PseudonymiseAsync(
            db,
            "SELECT id, caller AS number FROM calls WHERE caller IS NOT NULL AND received_at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED",
            "UPDATE calls SET caller_pseudonym = COALESCE(caller_pseudonym, u.psn), caller = NULL, caller_name = NULL, profile_id = NULL FROM unnest(@ids, @psns) AS u(id, psn) WHERE calls.id = u.id",
            cutoff,
            settings.RetentionBatchSize,
            cancellationToken), settings.RetentionBatchSize, cancellationToken));
        Add(pseudonymised, "whatsapp_calls", await BatchesAsync(db, () => PseudonymiseAsync(
            db,
            "SELECT id, COALESCE(user_phone, '+' || user_wa_id) AS number FROM whatsapp_calls WHERE (user_phone IS NOT NULL OR user_wa_id IS NOT NULL) AND created_at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED",
            "UPDATE whatsapp_calls SET user_pseudonym = COALESCE(user_pseudonym, u.psn), user_wa_id = NULL, user_phone = NULL, profile_id = NULL FROM unnest(@ids, @psns) AS u(id, psn) WHERE whatsapp_calls.id = u.id",
            cutoff,
            settings.RetentionBatchSize,
            cancellationToken), settings.RetentionBatchSize, cancellationToken));
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
        var psns = rows.Select(row => pseudonyms.For(row.Number)).ToArray();
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

    private sealed record NumberRow(Guid Id, string Number);

    [LoggerMessage(EventId = 1380, EventName = "PRIVACY_RETENTION_RAN", Level = LogLevel.Information, Message = "Retention job: {Counts}")]
    private static partial void Ran(ILogger logger, string counts);

    [LoggerMessage(EventId = 1383, EventName = "PRIVACY_RETENTION_SKIPPED", Level = LogLevel.Debug, Message = "Retention job: another instance is running it")]
    private static partial void Skipped(ILogger logger);

    [LoggerMessage(EventId = 1381, EventName = "PRIVACY_RETENTION_NO_KEY", Level = LogLevel.Warning, Message = "Retention job: Privacy:PseudonymKey is not configured, call numbers are not pseudonymised")]
    private static partial void NoPseudonymKey(ILogger logger);

    [LoggerMessage(EventId = 1382, EventName = "PRIVACY_RETENTION_FAILED", Level = LogLevel.Warning, Message = "Retention job failed ({Error}); it runs again at the next interval")]
    private static partial void Failed(ILogger logger, string error);
}
