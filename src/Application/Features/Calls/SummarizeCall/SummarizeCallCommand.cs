using EasyMo.Domain.Calls;
using Mediator;

namespace EasyMo.Application.Features.Calls.SummarizeCall;

/// <summary>
/// Writes the post-call summary of an ended call (OpenAI's call id) whose summary is pending, or records why it could
/// not be written now. Sent by the summary sweeper for each due call it has claimed.
/// </summary>
/// <param name="CallId">OpenAI's call id.</param>
/// <param name="At">
/// When this attempt is made, by the database's clock: a retry is due by the clock that compares due times, whatever the
/// instance's own clock says.
/// </param>
public sealed record SummarizeCallCommand(OpenAiCallId CallId, DateTimeOffset At) : ICommand<SummarizeCallResult>;

public enum SummarizeCallResult
{
    /// <summary>The summary was written and stored.</summary>
    Stored,

    /// <summary>The call has no transcript: the summary is done, and empty.</summary>
    NothingToSummarize,

    /// <summary>This attempt failed; another is due after the retry delay.</summary>
    WillRetry,

    /// <summary>This attempt failed and was the last one: the summary is given up.</summary>
    GaveUp,

    /// <summary>The call has not ended, or its summary is not pending: nothing was done.</summary>
    NotPending,

    UnknownCall,
}
