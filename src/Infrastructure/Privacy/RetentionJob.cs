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
/// Safe with several instances: each batch runs in a transaction that first takes a PostgreSQL advisory lock with
/// <c>pg_try_advisory_xact_lock</c>; an instance that cannot take it stops (another one is doing the work), and the
/// rows of a batch are locked with <c>FOR UPDATE SKIP LOCKED</c>, so no row is ever worked on twice.
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

    /// <summary>One run: rows purged or pseudonymised per table (empty when another instance held the lock throughout).</summary>
    internal async Task<IReadOnlyDictionary<string, int>> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var purged = new Dictionary<string, int>(StringComparer.Ordinal);
        var pseudonymised = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EasyMoDbContext>();

        foreach (var (table, sql) in Purges)
        {
            var total = await BatchesAsync(db, async () => await db.Database.ExecuteSqlRawAsync(
                sql,
                [new NpgsqlParameter("cutoff", now - settings.RetainContentFor), new NpgsqlParameter("batch", settings.RetentionBatchSize)],
                cancellationToken), settings.RetentionBatchSize, cancellationToken);
            if (total is null)
            {
                return Report(purged, pseudonymised);
            }

            Add(purged, table, total.Value);
        }

        if (!pseudonyms.IsConfigured)
        {
            var due = await db.Database
                .SqlQueryRaw<bool>("SELECT EXISTS (SELECT 1 FROM calls WHERE caller IS NOT NULL AND received_at < @cutoff) AS \"Value\"", new NpgsqlParameter("cutoff", now - settings.PseudonymiseAfter))
                .SingleAsync(cancellationToken);
            if (due)
            {
                NoPseudonymKey(logger);
            }
        }
        else
        {
            var cutoff = now - settings.PseudonymiseAfter;
            var calls = await BatchesAsync(db, () => PseudonymiseAsync(
                db,
                "SELECT id, caller AS number FROM calls WHERE caller IS NOT NULL AND received_at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED",
                "UPDATE calls SET caller_pseudonym = COALESCE(caller_pseudonym, u.psn), caller = NULL, caller_name = NULL, profile_id = NULL FROM unnest(@ids, @psns) AS u(id, psn) WHERE calls.id = u.id",
                cutoff,
                settings.RetentionBatchSize,
                cancellationToken), settings.RetentionBatchSize, cancellationToken);
            Add(pseudonymised, "calls", calls ?? 0);
            var whatsAppCalls = calls is null ? null : await BatchesAsync(db, () => PseudonymiseAsync(
                db,
                "SELECT id, COALESCE(user_phone, '+' || user_wa_id) AS number FROM whatsapp_calls WHERE (user_phone IS NOT NULL OR user_wa_id IS NOT NULL) AND created_at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED",
                "UPDATE whatsapp_calls SET user_pseudonym = COALESCE(user_pseudonym, u.psn), user_wa_id = NULL, user_phone = NULL, profile_id = NULL FROM unnest(@ids, @psns) AS u(id, psn) WHERE whatsapp_calls.id = u.id",
                cutoff,
                settings.RetentionBatchSize,
                cancellationToken), settings.RetentionBatchSize, cancellationToken);
            Add(pseudonymised, "whatsapp_calls", whatsAppCalls ?? 0);
        }

        var report = Report(purged, pseudonymised);
        await AuditAsync(db, "purge", purged, now, cancellationToken);
        await AuditAsync(db, "pseudonymise", pseudonymised, now, cancellationToken);
        return report;
    }

    /// <summary>
    /// Runs <paramref name="batch"/> in transactions of its own under the advisory lock until a batch touches fewer than
    /// <paramref name="size"/> rows. Null when the lock was held elsewhere before anything was done.
    /// </summary>
    private static async Task<int?> BatchesAsync(EasyMoDbContext db, Func<Task<int>> batch, int size, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var locked = await db.Database.SqlQueryRaw<bool>("SELECT pg_try_advisory_xact_lock(@key) AS \"Value\"", new NpgsqlParameter("key", LockKey))
                .SingleAsync(cancellationToken);
            if (!locked)
            {
                return total == 0 ? null : total;
            }

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

    [LoggerMessage(EventId = 1381, EventName = "PRIVACY_RETENTION_NO_KEY", Level = LogLevel.Warning, Message = "Retention job: Privacy:PseudonymKey is not configured, call numbers are not pseudonymised")]
    private static partial void NoPseudonymKey(ILogger logger);

    [LoggerMessage(EventId = 1382, EventName = "PRIVACY_RETENTION_FAILED", Level = LogLevel.Warning, Message = "Retention job failed ({Error}); it runs again at the next interval")]
    private static partial void Failed(ILogger logger, string error);
}
