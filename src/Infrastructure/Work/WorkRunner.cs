using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EasyMo.Infrastructure.Work;

/// <summary>
/// Runs one <see cref="ILeasedWork{TKey}"/> on this instance: every <see cref="WorkSchedule.Interval"/> it claims a
/// batch of due items (leased by the database's clock) and does them one by one (or <see cref="WorkSchedule.Parallelism"/>
/// at a time), each in a DI scope of its own and under a deadline of <see cref="WorkSchedule.ItemDeadline"/>, started
/// only while that much of the lease is left. A
/// sweep takes batch after batch until fewer than a batch are due (a periodic job: one batch), so at most one batch is ever
/// held in memory.
/// Nothing an item does can stop the loop: a failure, a stalled peer or a lost lease costs that item one lease, after
/// which it is due again (here or on another instance). On stop, claimed items not yet done wait for their lease.
/// </summary>
internal sealed partial class WorkRunner<TWork, TKey>(
    TWork work,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<WorkRunner<TWork, TKey>> logger) : BackgroundService
    where TWork : ILeasedWork<TKey>
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!work.CanRun())
        {
            return;
        }

        if (work.Schedule.Lease <= work.Schedule.ItemDeadline)
        {
            // No item could ever be started: say so once rather than sweep for nothing.
            LeaseTooShort(logger, work.Name, work.Schedule.Lease, work.Schedule.ItemDeadline);
            return;
        }

        using var timer = new PeriodicTimer(work.Schedule.Interval, time);
        try
        {
            do
            {
                await SweepAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: claimed items not yet done are due again when their lease ends.
        }
    }

    /// <summary>Does the items due now, batch after batch; returns how many were claimed.</summary>
    internal async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var schedule = work.Schedule;
        var claimedInAll = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            IReadOnlyList<WorkItem<TKey>> claimed;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                claimed = await work.ClaimAsync(scope.ServiceProvider, schedule.Lease, schedule.BatchSize, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                SweepFailed(logger, work.Name, exception.GetType().Name);
                return claimedInAll;
            }

            await ProcessBatchAsync(claimed, schedule, cancellationToken);

            claimedInAll += claimed.Count;
            if (!schedule.Drain || claimed.Count < schedule.BatchSize)
            {
                break;
            }
        }

        return claimedInAll;
    }

    /// <summary>
    /// Does a batch's items, <see cref="WorkSchedule.Parallelism"/> at a time, in the order claimed. An item is started
    /// only while at least its deadline is left of its lease; those that could not be are due again when it ends.
    /// </summary>
    private async Task ProcessBatchAsync(IReadOnlyList<WorkItem<TKey>> claimed, WorkSchedule schedule, CancellationToken cancellationToken)
    {
        var next = -1;
        var notStarted = 0;
        async Task DoItemsAsync()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < claimed.Count && !cancellationToken.IsCancellationRequested)
            {
                var item = claimed[index];
                if (item.Left < schedule.ItemDeadline)
                {
                    // Too little of the lease is left to do an item in time: it is due again when the lease ends.
                    Interlocked.Increment(ref notStarted);
                    continue;
                }

                await ProcessAsync(item, schedule.ItemDeadline, cancellationToken);
            }
        }

        var lanes = Math.Clamp(schedule.Parallelism, 1, Math.Max(1, claimed.Count));
        await Task.WhenAll(Enumerable.Range(0, lanes).Select(_ => DoItemsAsync()));

        if (notStarted > 0)
        {
            LeaseRunningOut(logger, work.Name, notStarted);
        }
    }

    private async Task ProcessAsync(WorkItem<TKey> item, TimeSpan deadline, CancellationToken cancellationToken)
    {
        try
        {
            // One item's deadline, response bodies included (an HTTP client's own timeouts end with the headers).
            using var timeout = new CancellationTokenSource(deadline, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            await using var scope = scopes.CreateAsyncScope();
            await work.ProcessAsync(scope.ServiceProvider, item, linked.Token);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The row no longer carries this lease: another instance holds it, and its result is the one that counts.
            LeaseLost(logger, work.Name, Name(item));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            ItemTimedOut(logger, work.Name, Name(item), deadline);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A database error after a send, say: the item is due again after its lease (done at least once, recorded once).
            ItemFailed(logger, work.Name, Name(item), exception.GetType().Name);
        }
    }

    private static string Name(WorkItem<TKey> item) => item.Key?.ToString() ?? string.Empty;

    [LoggerMessage(EventId = 1705, EventName = "WORK_LEASE_TOO_SHORT", Level = LogLevel.Error,
        Message = "{Work} does not run on this instance: its lease ({Lease}) is not longer than one item's deadline ({Deadline})")]
    private static partial void LeaseTooShort(ILogger logger, string work, TimeSpan lease, TimeSpan deadline);

    [LoggerMessage(EventId = 1700, EventName = "WORK_SWEEP_FAILED", Level = LogLevel.Warning,
        Message = "{Work}: could not look for due items ({ExceptionType}); trying again at the next sweep")]
    private static partial void SweepFailed(ILogger logger, string work, string exceptionType);

    [LoggerMessage(EventId = 1701, EventName = "WORK_ITEM_FAILED", Level = LogLevel.Error,
        Message = "{Work}: item {Item} failed ({ExceptionType}); it is due again when its lease ends")]
    private static partial void ItemFailed(ILogger logger, string work, string item, string exceptionType);

    [LoggerMessage(EventId = 1702, EventName = "WORK_ITEM_TIMED_OUT", Level = LogLevel.Warning,
        Message = "{Work}: item {Item} was still running at its deadline ({Deadline}) and was stopped; it is due again when its lease ends")]
    private static partial void ItemTimedOut(ILogger logger, string work, string item, TimeSpan deadline);

    [LoggerMessage(EventId = 1703, EventName = "WORK_LEASE_LOST", Level = LogLevel.Warning,
        Message = "{Work}: item {Item} is no longer held by this instance; its result is left to the holder")]
    private static partial void LeaseLost(ILogger logger, string work, string item);

    [LoggerMessage(EventId = 1704, EventName = "WORK_LEASE_RUNNING_OUT", Level = LogLevel.Warning,
        Message = "{Work}: too little of the lease is left for the last {Count} items of a batch; they are due again when it ends")]
    private static partial void LeaseRunningOut(ILogger logger, string work, int count);
}
