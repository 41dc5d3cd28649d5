using EasyMo.Domain.Calls;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.Calls.AnalyzeCall;

/// <summary>The analysis events. Neither the transcript nor the model's answer is logged: both come from what the caller said.</summary>
public static partial class AnalysisLog
{
    [LoggerMessage(EventId = 1420, EventName = "CALL_ANALYSIS_STORED", Level = LogLevel.Information,
        Message = "Stored the analysis of call {CallId} (outcome {Outcome}, from {Turns} transcript turns, attempt {Attempt})")]
    public static partial void Stored(ILogger logger, OpenAiCallId callId, CallOutcome outcome, int turns, int attempt);

    [LoggerMessage(EventId = 1421, EventName = "CALL_ANALYSIS_FAILED", Level = LogLevel.Warning,
        Message = "Could not analyse call {CallId} (attempt {Attempt} of {MaxAttempts}: {Error}); next attempt at {NextAttemptAt}")]
    public static partial void Failed(ILogger logger, OpenAiCallId callId, int attempt, int maxAttempts, string error, DateTimeOffset? nextAttemptAt);

    [LoggerMessage(EventId = 1422, EventName = "CALL_ANALYSIS_ABANDONED", Level = LogLevel.Error,
        Message = "Gave up analysing call {CallId} after {Attempt} attempts (last: {Error})")]
    public static partial void Abandoned(ILogger logger, OpenAiCallId callId, int attempt, string error);

    [LoggerMessage(EventId = 1423, EventName = "CALL_ANALYSIS_EMPTY", Level = LogLevel.Information,
        Message = "Call {CallId} has no transcript: nothing to analyse")]
    public static partial void NothingToAnalyze(ILogger logger, OpenAiCallId callId);

    [LoggerMessage(EventId = 1424, EventName = "CALL_ANALYSIS_FORGOTTEN", Level = LogLevel.Information,
        Message = "The content of call {CallId} was forgotten (erased) while its analysis was made; nothing was written back")]
    public static partial void Forgotten(ILogger logger, OpenAiCallId callId);
}
