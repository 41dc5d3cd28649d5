using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.Infrastructure.Realtime;

/// <summary>
/// Which instance follows which live call: a row per call in <c>call_monitor_leases</c>, claimed atomically, extended
/// by heartbeat, deleted when the instance lets go. A lease that runs out means its instance died.
/// </summary>
internal sealed class MonitorLeases(EasyMoDbContext db)
{
    /// <summary>Claims a live call for <paramref name="owner"/> when nobody holds it, its holder's lease ran out, or it is ours.</summary>
    public async Task<bool> TryClaimAsync(string callId, string owner, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
    {
        var until = now + duration;
        var claimed = await db.Database.SqlQuery<Guid>(
            $"""
            INSERT INTO call_monitor_leases (call_id, owner, lease_until)
            SELECT id, {owner}, {until} FROM calls WHERE call_id = {callId} AND status = 'accepted'
            ON CONFLICT (call_id) DO UPDATE SET owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until
            WHERE call_monitor_leases.lease_until < {now} OR call_monitor_leases.owner = EXCLUDED.owner
            RETURNING call_id AS "Value"
            """).ToListAsync(cancellationToken);
        return claimed.Count == 1;
    }

    /// <summary>Extends every lease <paramref name="owner"/> holds.</summary>
    public Task<int> HeartbeatAsync(string owner, DateTimeOffset until, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE call_monitor_leases SET lease_until = {until} WHERE owner = {owner}", cancellationToken);

    public Task<int> ReleaseAsync(string callId, string owner, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            DELETE FROM call_monitor_leases l USING calls c
            WHERE l.call_id = c.id AND c.call_id = {callId} AND l.owner = {owner}
            """,
            cancellationToken);

    /// <summary>Live calls nobody follows: no lease after the grace period, or a lease that ran out.</summary>
    public Task<List<string>> FindUnattendedAsync(DateTimeOffset now, DateTimeOffset acceptedBefore, int limit, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<string>(
            $"""
            SELECT c.call_id AS "Value" FROM calls c
            LEFT JOIN call_monitor_leases l ON l.call_id = c.id
            WHERE c.status = 'accepted' AND c.accepted_at < {acceptedBefore} AND (l.call_id IS NULL OR l.lease_until < {now})
            ORDER BY c.accepted_at
            LIMIT {limit}
            """).ToListAsync(cancellationToken);
}
