using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;

namespace EasyMo.Application.Common.Abstractions;

/// <summary>Writes a short summary of a finished call's conversation (OpenAI's Responses API).</summary>
public interface ICallSummarizer
{
    /// <summary>A summary of <paramref name="transcript"/> in <paramref name="language"/>; throws when it cannot be made now.</summary>
    Task<string> SummarizeAsync(IReadOnlyList<TranscriptTurn> transcript, Language language, CancellationToken cancellationToken);
}
