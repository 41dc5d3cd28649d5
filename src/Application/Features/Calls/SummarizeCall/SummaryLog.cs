using EasyMo.Domain.Calls;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.Calls.SummarizeCall;

/// <summary>The summary events. Neither the transcript nor the summary is ever logged: both are what the caller said.</summary>
public static partial class SummaryLog
{
    [LoggerMessage(EventId = 1400, EventName = "CALL_SUMMARY_STORED", Level = LogLevel.Information,
        Message = "Stored the summary of call {CallId} ({Characters} characters, from {Turns} transcript turns, attempt {Attempt})")]
    public static partial void Stored(ILogger logger, OpenAiCallId callId, int characters, int turns, int attempt);

    [LoggerMessage(EventId = 1401, EventName = "CALL_SUMMARY_FAILED", Level = LogLevel.Warning,
        Message = "Could not summarise call {CallId} (attempt {Attempt} of {MaxAttempts}: {Error}); next attempt at {NextAttemptAt}")]
    public static partial void Failed(ILogger logger, OpenAiCallId callId, int attempt, int maxAttempts, string error, DateTimeOffset? nextAttemptAt);

    [LoggerMessage(EventId = 1402, EventName = "CALL_SUMMARY_ABANDONED", Level = LogLevel.Error,
        Message = "Gave up summarising call {CallId} after {Attempt} attempts (last: {Error})")]
    public static partial void Abandoned(ILogger logger, OpenAiCallId callId, int attempt, string error);

    [LoggerMessage(EventId = 1403, EventName = "CALL_SUMMARY_EMPTY", Level = LogLevel.Information,
        Message = "Call {CallId} has no transcript: nothing to summarise")]
    public static partial void NothingToSummarize(ILogger logger, OpenAiCallId callId);

    [LoggerMessage(EventId = 1405, EventName = "CALL_SUMMARY_FORGOTTEN", Level = LogLevel.Information,
        Message = "The content of call {CallId} was forgotten (erased) while its summary was made; nothing was written back")]
    public static partial void Forgotten(ILogger logger, OpenAiCallId callId);
}
