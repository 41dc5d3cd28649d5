using EasyMo.Domain.Calls;
using Mediator;

namespace EasyMo.Application.Features.Calls.RecordTranscript;

/// <summary>
/// Finished transcripts of turns of live calls (the caller's words or the agent's), in the order they were heard, from
/// one call or many: the monitor writes every call's turns in batches. Returns how many were stored.
/// </summary>
public sealed record RecordTranscriptCommand(IReadOnlyList<SpokenTurn> Turns) : ICommand<int>
{
    /// <summary>Most turns in one command (one statement).</summary>
    public const int MaxTurns = 500;
}

/// <summary>One finished turn, <paramref name="At"/> when the monitor heard it.</summary>
public sealed record SpokenTurn(OpenAiCallId CallId, Speaker Speaker, string Text, string ItemId, DateTimeOffset At);
