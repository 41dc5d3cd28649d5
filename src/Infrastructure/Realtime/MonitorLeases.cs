using EasyMo.Domain.Calls;
using EasyMo.Infrastructure.Persistence;
using EasyMo.Infrastructure.Work;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.Infrastructure.Realtime;

/// <summary>
/// Which instance follows which live call. An instance holds all its calls under one lease of its own
/// (<c>work_leases</c>, <c>instance:{id}</c>): a call names its follower in <c>calls.monitor_owner</c>, and the
/// instance's heartbeat extends one row however many calls it follows. A call whose follower's lease ran out (the
/// instance died or stalled) is free for any other instance to take. Every lease is set and compared with the
/// database's clock (<c>now()</c>), never an instance's own: two instances whose clocks disagree still agree on who
/// follows a call.
/// </summary>
internal sealed class MonitorLeases(EasyMoDbContext db, WorkInstance instance)
{
    /// <summary>
    /// Extends this instance's lease (taking it anew after it ran out), and says which calls it still holds (OpenAI's
    /// call ids): a call followed here that is not among them was taken over, and its session must stop. One statement.
    /// </summary>
    public async Task<HashSet<OpenAiCallId>> HeartbeatAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        (await db.Database.SqlQuery<string>(
            $"""
            WITH beat AS (
                INSERT INTO work_leases (name, holder, lease_until) VALUES ({instance.LeaseName}, {instance.Id}, now() + {duration})
                ON CONFLICT (name) DO UPDATE SET lease_until = EXCLUDED.lease_until
                RETURNING 1
            )
            SELECT c.call_id AS "Value" FROM calls c WHERE c.monitor_owner = {instance.Id} AND c.status = 'accepted'
            """).ToListAsync(cancellationToken)).Select(id => new OpenAiCallId(id)).ToHashSet();

    /// <summary>
    /// Claims a live call for this instance when nobody follows it, its follower's lease ran out, or it is ours; only
    /// while this instance's own lease holds (an instance that stalled past it claims nothing until its next heartbeat).
    /// </summary>
    public async Task<bool> TryClaimAsync(OpenAiCallId callId, CancellationToken cancellationToken)
    {
        var claimed = await db.Database.SqlQuery<Guid>(
            $"""
            UPDATE calls c SET monitor_owner = {instance.Id}
            WHERE c.call_id = {callId.Value} AND c.status = 'accepted'
              AND (c.monitor_owner IS NULL OR c.monitor_owner = {instance.Id}
                   OR NOT EXISTS (SELECT 1 FROM work_leases f WHERE f.name = {WorkInstance.LeasePrefix} || c.monitor_owner AND f.lease_until >= now()))
              AND EXISTS (SELECT 1 FROM work_leases m WHERE m.name = {instance.LeaseName} AND m.lease_until >= now())
            RETURNING c.id AS "Value"
            """).ToListAsync(cancellationToken);
        return claimed.Count == 1;
    }

    /// <summary>Lets a call go (it ended, or this instance stops): another instance may follow it at once.</summary>
    public Task<int> ReleaseAsync(OpenAiCallId callId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE calls SET monitor_owner = NULL WHERE call_id = {callId.Value} AND monitor_owner = {instance.Id}",
            cancellationToken);

    /// <summary>Ends this instance's lease (it stops): the calls it still names are free at once.</summary>
    public Task<int> EndAsync(CancellationToken cancellationToken) =>
        WorkLeases.ReleaseAsync(db, instance.LeaseName, instance.Id, cancellationToken);

    /// <summary>Live calls nobody follows: no follower after the grace period, or one whose lease ran out.</summary>
    public async Task<List<OpenAiCallId>> FindUnattendedAsync(TimeSpan grace, int limit, CancellationToken cancellationToken) =>
        [.. (await db.Database.SqlQuery<string>(
            $"""
            SELECT c.call_id AS "Value" FROM calls c
            WHERE c.status = 'accepted' AND c.accepted_at < now() - {grace}
              AND (c.monitor_owner IS NULL
                   OR NOT EXISTS (SELECT 1 FROM work_leases f WHERE f.name = {WorkInstance.LeasePrefix} || c.monitor_owner AND f.lease_until >= now()))
            ORDER BY c.accepted_at
            LIMIT {limit}
            """).ToListAsync(cancellationToken)).Select(id => new OpenAiCallId(id))];
}

/// <summary>
/// Who follows a call this instance accepts: this instance, named in the decision's own write of the outcome (no claim
/// statement of its own), when the monitor is on; nobody otherwise.
/// </summary>
internal sealed class MonitorOwnership(WorkInstance instance, Microsoft.Extensions.Options.IOptions<SidebandOptions> options)
{
    public string? OwnerOfAcceptedCalls => options.Value.Enabled ? instance.Id : null;
}
