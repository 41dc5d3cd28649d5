using System.Diagnostics;

namespace EasyMo.Infrastructure.Work;

/// <summary>
/// One kind of background work that <see cref="WorkRunner{TWork,TKey}"/> runs on every instance at once: it says how
/// to claim a batch of due items under a lease (set by the database's clock) and how to do one item. The runner owns
/// everything else: the sweep timer, batches, one DI scope and one deadline per item inside its lease, and what a
/// failure, a lost lease or a stop means.
/// </summary>
/// <typeparam name="TKey">What names an item (a row id, OpenAI's call id, a job name).</typeparam>
internal interface ILeasedWork<TKey>
{
    /// <summary>The work's name in the runner's logs (<c>outbox</c>, <c>voice-notes</c>, …).</summary>
    string Name { get; }

    WorkSchedule Schedule { get; }

    /// <summary>Whether this instance runs the work; when not, the work has logged why. Asked once, at start.</summary>
    bool CanRun();

    /// <summary>
    /// Claims at most <paramref name="limit"/> due items for <paramref name="lease"/>, in one short statement: an item
    /// claimed here is not due again, on any instance, before its lease ends by the database's clock.
    /// </summary>
    Task<IReadOnlyList<WorkItem<TKey>>> ClaimAsync(IServiceProvider services, TimeSpan lease, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Does one item, within <paramref name="cancellationToken"/>'s deadline (inside the lease). Whatever it leaves
    /// undone is due again when the lease ends; a result is stored only while the item still carries this lease.
    /// </summary>
    Task ProcessAsync(IServiceProvider services, WorkItem<TKey> item, CancellationToken cancellationToken);
}

/// <summary>How often a work is swept and how much of it is taken at a time.</summary>
/// <param name="Interval">Between sweeps.</param>
/// <param name="BatchSize">Items claimed at a time.</param>
/// <param name="Lease">How long a claimed item is held: long enough for a batch of items, each within its deadline.</param>
/// <param name="ItemDeadline">
/// The most one item may take, its response bodies included; an item is started only while at least this much of its
/// lease is left.
/// </param>
/// <param name="Drain">
/// Whether a sweep takes batch after batch until fewer than a batch are due (rows of work), or one batch only (a
/// periodic job, whose one item is due again as soon as it is done).
/// </param>
/// <param name="Parallelism">
/// How many of a batch's items are done at once (each in its own scope, under its own deadline): more than one for work
/// that mostly waits on a peer (a summary waits seconds for OpenAI), so that one instance keeps up with many calls.
/// </param>
internal sealed record WorkSchedule(TimeSpan Interval, int BatchSize, TimeSpan Lease, TimeSpan ItemDeadline, bool Drain = true, int Parallelism = 1);

/// <summary>
/// An item claimed until <paramref name="LeaseUntil"/> (the database's time; also the item's token: a row that no
/// longer carries it was taken by another instance). <paramref name="ClaimedAt"/> is a <see cref="Stopwatch"/>
/// timestamp from before the claim was sent, so what is left of the lease is never overestimated.
/// </summary>
internal readonly record struct WorkItem<TKey>(TKey Key, DateTimeOffset LeaseUntil, TimeSpan Lease, long ClaimedAt)
{
    /// <summary>What is left of the lease, measured on this instance's monotonic clock (immune to its wall clock).</summary>
    public TimeSpan Left => Lease - Stopwatch.GetElapsedTime(ClaimedAt);

    /// <summary>
    /// The database's clock now, as the lease tells it (the lease was set at the database's <c>now()</c> + <see cref="Lease"/>):
    /// the time to schedule retries by, so that due times are compared with the clock that set them.
    /// </summary>
    public DateTimeOffset DatabaseNow => LeaseUntil - Left;
}
