using EasyMo.Domain.Calls;
using Mediator;

namespace EasyMo.Application.Features.Calls.AnalyzeCall;

/// <summary>
/// Makes the post-call analysis of an ended call (OpenAI's call id) whose analysis is pending, or records why it could
/// not be made now. Sent by the analysis sweeper for each due call it has claimed; independent of the summary.
/// </summary>
/// <param name="CallId">OpenAI's call id.</param>
/// <param name="At">When this attempt is made, by the database's clock (the clock that finds a retry due).</param>
public sealed record AnalyzeCallCommand(OpenAiCallId CallId, DateTimeOffset At) : ICommand<AnalyzeCallResult>;

public enum AnalyzeCallResult
{
    /// <summary>The analysis was made and stored.</summary>
    Stored,

    /// <summary>The call has no transcript: the analysis is done, and empty.</summary>
    NothingToAnalyze,

    /// <summary>This attempt failed; another is due after the retry delay.</summary>
    WillRetry,

    /// <summary>This attempt failed and was the last one: the analysis is given up.</summary>
    GaveUp,

    /// <summary>The call has not ended, or its analysis is not pending: nothing was done.</summary>
    NotPending,

    UnknownCall,
}
