using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.Infrastructure.Realtime;

/// <summary>
/// Which instance follows which live call: a row per call in <c>call_monitor_leases</c>, claimed atomically, extended
/// by heartbeat, deleted when the instance lets go. A lease that runs out means its instance died. Every lease is set and
/// compared with the database's clock (<c>now()</c>), never an instance's own: two instances whose clocks disagree still
/// agree on who holds a call.
/// </summary>
internal sealed class MonitorLeases(EasyMoDbContext db)
{
    /// <summary>Claims a live call for <paramref name="owner"/> when nobody holds it, its holder's lease ran out, or it is ours.</summary>
    public async Task<bool> TryClaimAsync(string callId, string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        var claimed = await db.Database.SqlQuery<Guid>(
            $"""
            INSERT INTO call_monitor_leases (call_id, owner, lease_until)
            SELECT id, {owner}, now() + {duration} FROM calls WHERE call_id = {callId} AND status = 'accepted'
            ON CONFLICT (call_id) DO UPDATE SET owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until
            WHERE call_monitor_leases.lease_until < now() OR call_monitor_leases.owner = EXCLUDED.owner
            RETURNING call_id AS "Value"
            """).ToListAsync(cancellationToken);
        return claimed.Count == 1;
    }

    /// <summary>
    /// Extends every lease <paramref name="owner"/> still holds, and says which calls those are (OpenAI's call ids): a
    /// call followed here that is not among them was taken over, and its session must stop.
    /// </summary>
    public async Task<HashSet<string>> HeartbeatAsync(string owner, TimeSpan duration, CancellationToken cancellationToken) =>
        (await db.Database.SqlQuery<string>(
            $"""
            UPDATE call_monitor_leases l SET lease_until = now() + {duration}
            FROM calls c WHERE l.call_id = c.id AND l.owner = {owner}
            RETURNING c.call_id AS "Value"
            """).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

    public Task<int> ReleaseAsync(string callId, string owner, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            DELETE FROM call_monitor_leases l USING calls c
            WHERE l.call_id = c.id AND c.call_id = {callId} AND l.owner = {owner}
            """,
            cancellationToken);

    /// <summary>Live calls nobody follows: no lease after the grace period, or a lease that ran out.</summary>
    public Task<List<string>> FindUnattendedAsync(TimeSpan grace, int limit, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<string>(
            $"""
            SELECT c.call_id AS "Value" FROM calls c
            LEFT JOIN call_monitor_leases l ON l.call_id = c.id
            WHERE c.status = 'accepted' AND c.accepted_at < now() - {grace} AND (l.call_id IS NULL OR l.lease_until < now())
            ORDER BY c.accepted_at
            LIMIT {limit}
            """).ToListAsync(cancellationToken);
}
