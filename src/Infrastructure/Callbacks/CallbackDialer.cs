using System.Diagnostics;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Common.Metrics;
using EasyMo.Application.Features.Callbacks;
using EasyMo.Application.Features.Callbacks.PlaceCallback;
using EasyMo.Application.Features.Calls;
using EasyMo.Infrastructure.Persistence;
using EasyMo.Infrastructure.Work;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyMo.Infrastructure.Callbacks;

/// <summary>
/// Places queued calls back when a line is free, on every instance at once, as a work of the
/// <see cref="WorkRunner{TWork,TKey}"/>. One short transaction under the live-call ceiling's lock counts the lines taken
/// (as an incoming call's claim does), expires what waited too long, and takes the due calls back whose caller is inside
/// their calling hours out of the queue (<c>dialing</c>, by the database's clock), one per free line; then, outside any
/// transaction, each is placed (<see cref="PlaceCallbackCommand"/>). A call back is dialed at most once: nothing takes one
/// out of <c>dialing</c> but its outcome, and one whose instance died there is marked in doubt, never dialed again.
/// </summary>
internal sealed partial class CallbackDialer(
    IOptions<CallbackOptions> options,
    IOptions<CallHandlingOptions> callOptions,
    CallbackPolicy policy,
    EasyMoMetrics metrics,
    ILogger<CallbackDialer> logger) : ILeasedWork<Guid>
{
    /// <summary>Queued calls back looked at per sweep for one inside its calling hours.</summary>
    private const int Candidates = 200;

    private static readonly TimeSpan ItemMargin = TimeSpan.FromSeconds(5);

    public string Name => "callbacks";

    /// <summary>One at a time (a batch of one, drained): a stop leaves at most one call back taken and not dialed.</summary>
    public WorkSchedule Schedule => new(options.Value.SweepInterval, BatchSize: 1, CallStore.DialingWindow, options.Value.DialTimeout + ItemMargin);

    public bool CanRun()
    {
        if (!options.Value.Enabled)
        {
            Disabled(logger);
            return false;
        }

        return true;
    }

    public async Task<IReadOnlyList<WorkItem<Guid>>> ClaimAsync(IServiceProvider services, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        if (!policy.IsOn)
        {
            return []; // OpenAI refused outbound calling: what is queued expires (see CallbackPolicy)
        }

        var db = services.GetRequiredService<EasyMoDbContext>();
        var calls = callOptions.Value;
        var claimedAt = Stopwatch.GetTimestamp();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = await db.Database.SqlQuery<DateTimeOffset>($"""SELECT now() AS "Value" """).SingleAsync(cancellationToken);
        var expired = await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE callbacks SET status = 'expired', settled_at = now() WHERE status = 'queued' AND expires_at <= now()", cancellationToken);
        var doubted = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            UPDATE callbacks SET status = 'in_doubt', settled_at = now(), error = 'no outcome recorded: the dialing instance stopped'
            WHERE status = 'dialing' AND dialed_at <= now() - {CallStore.DialingWindow}
            """,
            cancellationToken);

        var free = limit;
        if (calls.MaxLiveCalls > 0)
        {
            var taken = await CallStore.CountLinesAsync(db, new LiveCallLimit(calls.MaxLiveCalls, now - calls.MaxCallDuration), calls.ClaimTimeout, beyond: 0, cancellationToken);
            free = Math.Min(limit, calls.MaxLiveCalls - taken);
        }

        var chosen = new List<Guid>();
        if (free > 0)
        {
            var due = await db.Database
                .SqlQuery<QueuedCallback>(
                    $"""
                    SELECT id, time_zone FROM callbacks
                    WHERE status = 'queued' AND due_at <= now() AND expires_at > now()
                    ORDER BY due_at LIMIT {Candidates}
                    FOR UPDATE SKIP LOCKED
                    """)
                .ToListAsync(cancellationToken);
            chosen.AddRange(due
                .Where(row => policy.Hours.Contain(now, CallbackPolicy.FindZone(row.TimeZone) ?? TimeZoneInfo.Utc))
                .Take(free)
                .Select(row => row.Id));
            if (chosen.Count > 0)
            {
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"UPDATE callbacks SET status = 'dialing', dialed_at = now() WHERE id = ANY({chosen.ToArray()}) AND status = 'queued'", cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        Count("expired", expired);
        Count("in_doubt", doubted);
        return chosen.ConvertAll(id => new WorkItem<Guid>(id, now + lease, lease, claimedAt));
    }

    public Task ProcessAsync(IServiceProvider services, WorkItem<Guid> item, CancellationToken cancellationToken) =>
        services.GetRequiredService<ISender>().Send(new PlaceCallbackCommand(item.Key), cancellationToken).AsTask();

    private void Count(string status, int rows)
    {
        if (rows > 0)
        {
            metrics.Callback(status, rows);
            Settled(logger, rows, status);
        }
    }

    /// <summary>A queued call back as the claim reads it (columns named as the snake-case convention reads them).</summary>
    private sealed record QueuedCallback(Guid Id, string TimeZone);

    [LoggerMessage(EventId = 1808, EventName = "CALLBACKS_DISABLED", Level = LogLevel.Information,
        Message = "Calls back are off (Callbacks:Enabled is false): callers the service cannot answer get the WhatsApp fallback only")]
    private static partial void Disabled(ILogger logger);

    [LoggerMessage(EventId = 1809, EventName = "CALLBACKS_SETTLED_BY_SWEEP", Level = LogLevel.Warning,
        Message = "{Count} calls back became {Status} (never dialed in time, or their dialing instance stopped)")]
    private static partial void Settled(ILogger logger, int count, string status);
}
