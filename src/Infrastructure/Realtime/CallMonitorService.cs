using System.Collections.Concurrent;
using System.Threading.Channels;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Common.Metrics;
using EasyMo.Application.Features.Callbacks;
using EasyMo.Application.Features.Calls;
using EasyMo.Domain.Calls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyMo.Infrastructure.Realtime;

/// <summary>
/// Follows every accepted call over OpenAI's sideband socket until it ends (there is no "call ended" webhook).
/// Calls arrive from the accept step (<see cref="Follow(Call, string?)"/>: the decision's own write named this instance
/// the follower, and what following needs comes with the call), from a call back placed (<see cref="Follow(OpenAiCallId)"/>,
/// claimed here), and, for calls nobody follows — an instance died, or this one restarted — from a periodic sweep whose
/// heartbeat extends this instance's one lease for all its calls. Each call is followed by exactly one instance at a time
/// (<see cref="MonitorLeases"/>). The queue of calls to follow is bounded: a call that does not fit is let go and found by
/// the sweep after <see cref="SidebandOptions.UnattendedGrace"/>.
/// Transcript turns of every followed call are written in batches by one <see cref="TranscriptWriter"/>.
/// </summary>
internal sealed partial class CallMonitorService(
    IServiceScopeFactory scopes,
    IOptions<SidebandOptions> options,
    IOptions<CallHandlingOptions> calls,
    IOptions<CallbackOptions> callbacks,
    TimeProvider time,
    EasyMoMetrics metrics,
    ILogger<CallMonitorService> logger)
    : BackgroundService, ICallMonitor
{
    /// <summary>Calls waiting to be followed; beyond this, a call waits for the sweep.</summary>
    internal const int QueueCapacity = 1024;

    private readonly Channel<(OpenAiCallId CallId, FollowedCallInfo? Known)> _queue = Channel.CreateBounded<(OpenAiCallId, FollowedCallInfo?)>(
        new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly ConcurrentDictionary<OpenAiCallId, FollowedCall> _sessions = new();

    private readonly TranscriptWriter _transcripts = new(scopes, metrics, time, logger);

    private readonly LiveCallBroadcast _live = new(scopes, time, logger);

    public void Follow(OpenAiCallId callId) => Enqueue(callId, known: null);

    public void Follow(Call call, string? callerName)
    {
        ArgumentNullException.ThrowIfNull(call);
        Enqueue(call.CallId, FollowedCallInfo.Of(call, callerName));
    }

    private void Enqueue(OpenAiCallId callId, FollowedCallInfo? known)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        if (!_queue.Writer.TryWrite((callId, known)))
        {
            QueueFull(logger, QueueCapacity, callId);
            if (known is not null)
            {
                // The decision named this instance the follower: let the call go, so that the sweep's one rule for calls
                // nobody follows (after UnattendedGrace, on any instance) takes it up.
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await using var scope = scopes.CreateAsyncScope();
                        await scope.ServiceProvider.GetRequiredService<MonitorLeases>().ReleaseAsync(callId, CancellationToken.None);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        SweepFailed(logger, exception.GetType().Name); // its owner's lease runs out, with the same effect
                    }
                });
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var transcripts = _transcripts.RunAsync();
        var live = _live.RunAsync();

        // This instance's lease comes first: a call is claimed only under it.
        await HeartbeatAsync(stoppingToken);
        var sweep = SweepAsync(stoppingToken);
        try
        {
            await foreach (var (callId, known) in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                Start(callId, fresh: true, known, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        try
        {
            await sweep;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // A heartbeat cut short by the stop: the sessions are still let go below, before the host goes away.
        }

        await Task.WhenAll(_sessions.Values.Select(session => session.Done));

        // The sessions' last turns are written before the lease ends.
        _transcripts.Complete();
        _live.Complete();
        await Task.WhenAll(transcripts, live);
        try
        {
            // Every call was let go above; ending the lease tells the other instances at once that nothing is held here.
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<MonitorLeases>().EndAsync(CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            SweepFailed(logger, exception.GetType().Name); // it runs out by itself
        }
    }

    private async Task<HashSet<OpenAiCallId>?> HeartbeatAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<MonitorLeases>().HeartbeatAsync(options.Value.LeaseDuration, stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            SweepFailed(logger, exception.GetType().Name);
            return null;
        }
    }

    private void Start(OpenAiCallId callId, bool fresh, FollowedCallInfo? known, CancellationToken stoppingToken)
    {
        var followed = new FollowedCall(CancellationTokenSource.CreateLinkedTokenSource(stoppingToken));
        if (!_sessions.TryAdd(callId, followed))
        {
            followed.Stop.Dispose();
            return;
        }

        metrics.CallFollowed();
        _ = Task.Run(async () =>
        {
            try
            {
                await FollowAsync(callId, fresh, known, followed);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                MonitorFailed(logger, callId, exception);
            }
            finally
            {
                _sessions.TryRemove(callId, out _);
                metrics.CallUnfollowed();
                followed.Stop.Dispose();
                followed.Finished.TrySetResult();
            }
        }, CancellationToken.None);
    }

    /// <summary>A call this instance follows: its session stops when the service stops or the call's lease is lost.</summary>
    private sealed class FollowedCall(CancellationTokenSource stop)
    {
        public CancellationTokenSource Stop { get; } = stop;

        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Done => Finished.Task;

        /// <summary>
        /// When the lease was claimed (a <see cref="System.Diagnostics.Stopwatch"/> timestamp; 0: not yet): a heartbeat begun
        /// after it that does not return the call means the lease was lost.
        /// </summary>
        public long ClaimedAt;
    }

    /// <summary>
    /// Follows one call. A call this instance decided (<paramref name="known"/>) was claimed by the decision's own write;
    /// any other is claimed here first.
    /// </summary>
    private async Task FollowAsync(OpenAiCallId callId, bool fresh, FollowedCallInfo? known, FollowedCall followed)
    {
        var settings = options.Value;
        if (known is null)
        {
            await using var scope = scopes.CreateAsyncScope();
            var leases = scope.ServiceProvider.GetRequiredService<MonitorLeases>();
            if (!await leases.TryClaimAsync(callId, followed.Stop.Token))
            {
                return;
            }
        }

        Interlocked.Exchange(ref followed.ClaimedAt, System.Diagnostics.Stopwatch.GetTimestamp());
        var over = false;
        try
        {
            var session = new CallSession(
                callId, fresh, known, _transcripts, _live, metrics, scopes, settings, calls.Value.MaxCallDuration, callbacks.Value.RingTimeout, time, logger);
            over = await session.RunAsync(followed.Stop.Token);
        }
        finally
        {
            if (!over)
            {
                // Still live (shutdown, lease lost, a fault): another instance takes the call over as soon as its sweep
                // sees no lease. A call that is over needs no release: nothing looks for followers of ended calls.
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<MonitorLeases>().ReleaseAsync(callId, CancellationToken.None);
            }
        }
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.SweepInterval, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var leases = scope.ServiceProvider.GetRequiredService<MonitorLeases>();
                var beat = System.Diagnostics.Stopwatch.GetTimestamp();
                var held = await leases.HeartbeatAsync(settings.LeaseDuration, stoppingToken);
                foreach (var (callId, followed) in _sessions)
                {
                    var claimedAt = Interlocked.Read(ref followed.ClaimedAt);
                    if (claimedAt != 0 && claimedAt < beat && !held.Contains(callId) && !followed.Stop.IsCancellationRequested)
                    {
                        // Another instance holds the call now (this one stalled past its lease): one follower per call.
                        LeaseLost(logger, callId);
                        await followed.Stop.CancelAsync();
                    }
                }

                foreach (var callId in await leases.FindUnattendedAsync(settings.UnattendedGrace, 50, stoppingToken))
                {
                    if (!_sessions.ContainsKey(callId))
                    {
                        TakingOver(logger, callId);
                        Start(callId, fresh: false, known: null, stoppingToken);
                    }
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                SweepFailed(logger, exception.GetType().Name);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 1304, EventName = "CALL_MONITOR_QUEUE_FULL", Level = LogLevel.Warning,
        Message = "{Capacity} calls are already waiting to be followed; call {CallId} is taken up by the sweep instead")]
    private static partial void QueueFull(ILogger logger, int capacity, OpenAiCallId callId);

    [LoggerMessage(EventId = 1300, EventName = "CALL_MONITOR_TAKEOVER", Level = LogLevel.Information, Message = "Taking over live call {CallId}")]
    private static partial void TakingOver(ILogger logger, OpenAiCallId callId);

    [LoggerMessage(EventId = 1303, EventName = "CALL_MONITOR_LEASE_LOST", Level = LogLevel.Warning, Message = "Lost the lease on call {CallId}: another instance follows it; this one lets go")]
    private static partial void LeaseLost(ILogger logger, OpenAiCallId callId);

    [LoggerMessage(EventId = 1301, EventName = "CALL_MONITOR_FAILED", Level = LogLevel.Error, Message = "Following call {CallId} failed")]
    private static partial void MonitorFailed(ILogger logger, OpenAiCallId callId, Exception exception);

    [LoggerMessage(EventId = 1302, EventName = "CALL_MONITOR_SWEEP_FAILED", Level = LogLevel.Warning, Message = "Monitor sweep failed ({ExceptionType})")]
    private static partial void SweepFailed(ILogger logger, string exceptionType);
}
