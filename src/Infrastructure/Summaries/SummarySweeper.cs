using EasyMo.Application.Calls;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Features.Calls.SummarizeCall;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyMo.Infrastructure.Summaries;

/// <summary>
/// Every <see cref="SummaryOptions.SweepInterval"/>, claims the calls whose summary is due (safely across instances: see
/// <see cref="ICallHistory.ClaimDueSummariesAsync"/>) and sends <see cref="SummarizeCallCommand"/> for each, one at a
/// time, each in a DI scope of its own. A claim is a lease: a call whose summary was neither stored nor rescheduled
/// (a crash, a stop, a database error) is due again when the lease ends.
/// </summary>
internal sealed partial class SummarySweeper(
    IServiceScopeFactory scopes,
    IOptions<SummaryOptions> options,
    TimeProvider time,
    ILogger<SummarySweeper> logger) : BackgroundService
{
    /// <summary>What an item gets beyond its request timeout, for the database work around the request.</summary>
    private static readonly TimeSpan ItemMargin = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            Disabled(logger);
            return;
        }

        using var timer = new PeriodicTimer(settings.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: calls claimed and not yet summarised are due again when their lease ends.
        }
    }

    /// <summary>Summarises the calls due now, batch after batch; returns how many were claimed.</summary>
    internal async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var claimedInAll = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            IReadOnlyList<string> claimed;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                claimed = await scope.ServiceProvider.GetRequiredService<ICallHistory>()
                    .ClaimDueSummariesAsync(Lease(settings), settings.BatchSize, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                SweepFailed(logger, exception.GetType().Name);
                return claimedInAll;
            }

            foreach (var callId in claimed)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                try
                {
                    // One summary's deadline, response body included (the client's timeouts end with the headers).
                    using var deadline = new CancellationTokenSource(settings.RequestTimeout + ItemMargin, time);
                    using var item = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<ISender>().Send(new SummarizeCallCommand(callId), item.Token);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // A database error while storing, say: the call is untouched and due again after its lease.
                    SummaryError(logger, callId, exception.GetType().Name);
                }
            }

            claimedInAll += claimed.Count;
            if (claimed.Count < settings.BatchSize)
            {
                break;
            }
        }

        return claimedInAll;
    }

    /// <summary>Long enough for a whole batch to be summarised one by one, each within its request timeout.</summary>
    internal static TimeSpan Lease(SummaryOptions settings) => (settings.RequestTimeout * settings.BatchSize) + TimeSpan.FromSeconds(30);

    [LoggerMessage(EventId = 1410, EventName = "CALL_SUMMARY_SWEEP_FAILED", Level = LogLevel.Warning,
        Message = "Could not look for due call summaries ({ExceptionType}); trying again at the next sweep")]
    private static partial void SweepFailed(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 1411, EventName = "CALL_SUMMARY_ERROR", Level = LogLevel.Error,
        Message = "Summarising call {CallId} failed ({ExceptionType}); it is due again when its lease ends")]
    private static partial void SummaryError(ILogger logger, string callId, string exceptionType);

    [LoggerMessage(EventId = 1412, EventName = "CALL_SUMMARY_SWEEP_DISABLED", Level = LogLevel.Information,
        Message = "Call summaries are disabled on this instance (Summaries:Enabled = false)")]
    private static partial void Disabled(ILogger logger);
}
