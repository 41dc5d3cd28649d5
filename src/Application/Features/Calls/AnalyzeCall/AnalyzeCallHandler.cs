using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Features.Calls.SummarizeCall;
using EasyMo.Domain.Calls;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Features.Calls.AnalyzeCall;

/// <summary>
/// An ended call's analysis: its transcript read by the model into a <see cref="CallAnalysis"/>, stored as the call's
/// columns. A call without a transcript is done at once, without an analysis. A failed attempt (the service failed, the
/// model refused, or answered something that is not an analysis) is counted and retried as a summary is
/// (<see cref="SummaryOptions.RetryDelay"/> doubling, up to <see cref="SummaryOptions.MaxAttempts"/>); the summary is
/// not touched.
/// </summary>
public sealed class AnalyzeCallHandler(
    ICallStore store,
    ICallHistory history,
    ICallAnalyzer analyzer,
    IOptions<SummaryOptions> summaryOptions,
    TimeProvider time,
    ILogger<AnalyzeCallHandler> logger)
    : ICommandHandler<AnalyzeCallCommand, AnalyzeCallResult>
{
    public async ValueTask<AnalyzeCallResult> Handle(AnalyzeCallCommand command, CancellationToken cancellationToken)
    {
        var call = await store.FindCallAsync(command.CallId, cancellationToken);
        if (call is null)
        {
            return AnalyzeCallResult.UnknownCall;
        }

        if (call.Status != CallStatus.Ended || call.AnalysisStatus != AnalysisStatus.Pending)
        {
            return AnalyzeCallResult.NotPending;
        }

        var transcript = await history.GetTranscriptAsync(call.Id, cancellationToken);
        if (transcript.All(turn => string.IsNullOrWhiteSpace(turn.Text)))
        {
            call.RecordAnalysis(null, time.GetUtcNow());
            if (!await store.SaveAnalysisAsync(call, cancellationToken))
            {
                return Forgotten(call);
            }

            AnalysisLog.NothingToAnalyze(logger, call.CallId);
            return AnalyzeCallResult.NothingToAnalyze;
        }

        var options = summaryOptions.Value;
        CallAnalysis analysis;
        try
        {
            analysis = await analyzer.AnalyzeAsync(transcript, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            call.AnalysisAttemptFailed(command.At, SummarizeCallHandler.RetryDelay(options.RetryDelay, call.AnalysisAttempts), options.MaxAttempts);
            if (!await store.SaveAnalysisAsync(call, cancellationToken))
            {
                return Forgotten(call);
            }

            var error = exception is SummaryUnavailableException ? exception.Message : exception.GetType().Name;
            if (call.AnalysisStatus == AnalysisStatus.Failed)
            {
                AnalysisLog.Abandoned(logger, call.CallId, call.AnalysisAttempts, error);
                return AnalyzeCallResult.GaveUp;
            }

            AnalysisLog.Failed(logger, call.CallId, call.AnalysisAttempts, options.MaxAttempts, error, call.AnalysisDueAt);
            return AnalyzeCallResult.WillRetry;
        }

        call.RecordAnalysis(analysis, time.GetUtcNow());
        if (!await store.SaveAnalysisAsync(call, cancellationToken))
        {
            return Forgotten(call);
        }

        AnalysisLog.Stored(logger, call.CallId, analysis.Outcome, transcript.Count, call.AnalysisAttempts + 1);
        return AnalyzeCallResult.Stored;
    }

    /// <summary>The call's content was forgotten (erased) while its analysis was being made: nothing is written back.</summary>
    private AnalyzeCallResult Forgotten(Call call)
    {
        AnalysisLog.Forgotten(logger, call.CallId);
        return AnalyzeCallResult.NotPending;
    }
}
