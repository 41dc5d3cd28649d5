using System.Diagnostics;
using EasyMo.Infrastructure.Work;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// Work rows that are due, leased in one statement: locked with <c>FOR UPDATE SKIP LOCKED</c> (an instance claiming at
/// the same moment skips them) and their due time moved to the lease's end. Due and leased by the database's clock
/// (<c>now()</c>), never an instance's own, so two instances whose clocks disagree never both hold a row (issue 12,
/// review M6). The lease read back is the row's token: a row whose due time no longer equals it was taken by another
/// instance.
/// </summary>
internal static class DueRows
{
    /// <summary>The outbox's pending messages, by row id.</summary>
    public static readonly WorkTable OutboxMessages = new("outbox_messages", "id", "status = 'pending'", "next_attempt_at");

    /// <summary>Voice notes waiting for an answer, by row id.</summary>
    public static readonly WorkTable VoiceNotes = new("voice_notes", "id", "status = 'pending'", "next_attempt_at");

    /// <summary>Ended calls whose summary is pending, by OpenAI's call id.</summary>
    public static readonly WorkTable Summaries = new("calls", "call_id", "summary_status = 'pending'", "summary_due_at");

    /// <summary>Ended calls whose analysis is pending, by OpenAI's call id.</summary>
    public static readonly WorkTable Analyses = new("calls", "call_id", "analysis_status = 'pending'", "analysis_due_at");

    public static async Task<IReadOnlyList<WorkItem<TKey>>> ClaimAsync<TKey>(
        EasyMoDbContext db, WorkTable table, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        if (table != OutboxMessages && table != VoiceNotes && table != Summaries && table != Analyses)
        {
            throw new ArgumentOutOfRangeException(nameof(table), table.Name, "Not a work table.");
        }

        // Names and conditions come from the four constants above; the values are parameters.
        var sql = $"""
                WITH due AS (
                    SELECT id FROM {table.Name}
                    WHERE {table.Pending} AND {table.DueAt} <= now()
                    ORDER BY {table.DueAt}
                    LIMIT @limit
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE {table.Name} SET {table.DueAt} = now() + @lease
                FROM due
                WHERE {table.Name}.id = due.id
                RETURNING {table.Name}.{table.Key} AS key, {table.Name}.{table.DueAt} AS lease_until
                """;
        var claimedAt = Stopwatch.GetTimestamp();
        var rows = await db.Database
            .SqlQueryRaw<Leased<TKey>>(sql, new NpgsqlParameter("limit", limit), new NpgsqlParameter("lease", lease))
            .ToListAsync(cancellationToken);
        return rows.ConvertAll(row => new WorkItem<TKey>(row.Key, row.LeaseUntil, lease, claimedAt));
    }

    /// <summary>A table of work: its key column, what makes a row pending, and the column that holds when it is due.</summary>
    internal sealed record WorkTable(string Name, string Key, string Pending, string DueAt);

    private sealed record Leased<TKey>(TKey Key, DateTimeOffset LeaseUntil);
}
