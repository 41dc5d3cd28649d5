using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;

namespace EasyMo.Application.Common.Abstractions;

/// <summary>Writes a short summary of a call's conversation (OpenAI's Responses API): after the call, or for a warm transfer.</summary>
public interface ICallSummarizer
{
    /// <summary>A summary of <paramref name="transcript"/> in <paramref name="language"/>; throws when it cannot be made now.</summary>
    Task<string> SummarizeAsync(IReadOnlyList<TranscriptTurn> transcript, Language language, CancellationToken cancellationToken);

    /// <summary>
    /// Two short lines on a live call's conversation so far, in <paramref name="language"/>, for the person it is being
    /// transferred to (a warm transfer); throws when they cannot be made now (the caller of this bounds the wait).
    /// </summary>
    Task<string> BriefAsync(IReadOnlyList<TranscriptTurn> transcript, Language language, CancellationToken cancellationToken);
}
