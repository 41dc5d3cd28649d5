using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// Work rows (the outbox's messages, voice notes) that are due, leased in one statement: locked with
/// <c>FOR UPDATE SKIP LOCKED</c> (an instance claiming at the same moment skips them) and their <c>next_attempt_at</c>
/// moved to the lease's end. Due and leased by the database's clock (<c>now()</c>), never an instance's own, so two
/// instances whose clocks disagree never both hold a row (issue 12, review M6). The lease read back is the row's token: a
/// row whose <c>next_attempt_at</c> no longer equals it was taken by another instance.
/// </summary>
internal static class DueRows
{
    public const string OutboxMessages = "outbox_messages";
    public const string VoiceNotes = "voice_notes";

    public static Task<List<Leased>> ClaimAsync(EasyMoDbContext db, string table, TimeSpan duration, int limit, CancellationToken cancellationToken)
    {
        if (table is not (OutboxMessages or VoiceNotes))
        {
            throw new ArgumentOutOfRangeException(nameof(table), table, "Not a work table.");
        }

        // The table name is one of the two constants above; the values are parameters.
        var sql = $"""
                WITH due AS (
                    SELECT id FROM {table}
                    WHERE status = 'pending' AND next_attempt_at <= now()
                    ORDER BY next_attempt_at
                    LIMIT @limit
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE {table} SET next_attempt_at = now() + @duration
                FROM due
                WHERE {table}.id = due.id
                RETURNING {table}.id, {table}.next_attempt_at AS lease_until
                """;
        return db.Database
            .SqlQueryRaw<Leased>(sql, new NpgsqlParameter("limit", limit), new NpgsqlParameter("duration", duration))
            .ToListAsync(cancellationToken);
    }

    /// <summary>A row leased to this instance until <paramref name="LeaseUntil"/> (the database's time).</summary>
    internal sealed record Leased(Guid Id, DateTimeOffset LeaseUntil);
}
