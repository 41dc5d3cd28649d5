using Mediator;

namespace EasyMo.Application.Features.Calls.SummarizeCall;

/// <summary>
/// Writes the post-call summary of an ended call (OpenAI's call id) whose summary is pending, or records why it could
/// not be written now. Sent by the summary sweeper for each due call it has claimed.
/// </summary>
public sealed record SummarizeCallCommand(string CallId) : ICommand<SummarizeCallResult>;

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
