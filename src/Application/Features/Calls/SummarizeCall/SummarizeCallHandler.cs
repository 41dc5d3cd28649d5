using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Features.Calls.SummarizeCall;

/// <summary>
/// An ended call's summary: its transcript, summarised in the caller's language, stored on the call. A call without a
/// transcript is done at once, without a summary. A failed attempt is counted and the next one scheduled (the delay
/// doubling), up to <see cref="SummaryOptions.MaxAttempts"/>; nothing else of the call changes.
/// </summary>
public sealed class SummarizeCallHandler(
    ICallStore store,
    ICallHistory history,
    ICallSummarizer summarizer,
    IOptions<SummaryOptions> summaryOptions,
    TimeProvider time,
    ILogger<SummarizeCallHandler> logger)
    : ICommandHandler<SummarizeCallCommand, SummarizeCallResult>
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    public async ValueTask<SummarizeCallResult> Handle(SummarizeCallCommand command, CancellationToken cancellationToken)
    {
        var call = await store.FindCallAsync(command.CallId, cancellationToken);
        if (call is null)
        {
            return SummarizeCallResult.UnknownCall;
        }

        if (call.Status != CallStatus.Ended || call.SummaryStatus != SummaryStatus.Pending)
        {
            return SummarizeCallResult.NotPending;
        }

        var transcript = await history.GetTranscriptAsync(call.Id, cancellationToken);
        if (transcript.All(turn => string.IsNullOrWhiteSpace(turn.Text)))
        {
            call.RecordSummary(string.Empty, time.GetUtcNow());
            if (!await store.SaveSummaryAsync(call, cancellationToken))
            {
                return Forgotten(call);
            }

            SummaryLog.NothingToSummarize(logger, call.CallId);
            return SummarizeCallResult.NothingToSummarize;
        }

        var options = summaryOptions.Value;
        string summary;
        try
        {
            summary = SummaryText.Clean(await summarizer.SummarizeAsync(transcript, call.Language, cancellationToken));
            if (summary.Length == 0)
            {
                throw new SummaryUnavailableException("the summary was empty");
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Only the summary's bookkeeping changes: the call's record stays as it ended. The retry is due by the
            // database's clock (command.At), which is the clock that finds it due.
            call.SummaryAttemptFailed(command.At, RetryDelay(options.RetryDelay, call.SummaryAttempts), options.MaxAttempts);
            if (!await store.SaveSummaryAsync(call, cancellationToken))
            {
                return Forgotten(call);
            }

            var error = exception is SummaryUnavailableException ? exception.Message : exception.GetType().Name;
            if (call.SummaryStatus == SummaryStatus.Failed)
            {
                SummaryLog.Abandoned(logger, call.CallId, call.SummaryAttempts, error);
                return SummarizeCallResult.GaveUp;
            }

            SummaryLog.Failed(logger, call.CallId, call.SummaryAttempts, options.MaxAttempts, error, call.SummaryDueAt);
            return SummarizeCallResult.WillRetry;
        }

        call.RecordSummary(summary, time.GetUtcNow());
        if (!await store.SaveSummaryAsync(call, cancellationToken))
        {
            return Forgotten(call);
        }

        SummaryLog.Stored(logger, call.CallId, summary.Length, transcript.Count, call.SummaryAttempts + 1);
        return SummarizeCallResult.Stored;
    }

    /// <summary>The call's content was forgotten (erased) while its summary was being made: nothing is written back.</summary>
    private SummarizeCallResult Forgotten(Call call)
    {
        SummaryLog.Forgotten(logger, call.CallId);
        return SummarizeCallResult.NotPending;
    }

    /// <summary><paramref name="first"/> after the first failure, doubling after each further one, at most an hour.</summary>
    internal static TimeSpan RetryDelay(TimeSpan first, int failuresSoFar)
    {
        var factor = Math.Pow(2, Math.Min(failuresSoFar, 20));
        var delay = first.TotalMilliseconds * factor;
        return delay >= MaxRetryDelay.TotalMilliseconds ? (first > MaxRetryDelay ? first : MaxRetryDelay) : TimeSpan.FromMilliseconds(delay);
    }
}
