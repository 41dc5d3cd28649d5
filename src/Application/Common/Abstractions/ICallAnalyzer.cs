using EasyMo.Domain.Calls;

namespace EasyMo.Application.Common.Abstractions;

/// <summary>Reads a finished call's conversation into a <see cref="CallAnalysis"/> (OpenAI's Responses API, structured output).</summary>
public interface ICallAnalyzer
{
    /// <summary>
    /// The analysis of <paramref name="transcript"/>; throws <see cref="SummaryUnavailableException"/> when it cannot be
    /// made now (the service failed, the model refused, or its answer is not an analysis).
    /// </summary>
    Task<CallAnalysis> AnalyzeAsync(IReadOnlyList<TranscriptTurn> transcript, CancellationToken cancellationToken);
}
