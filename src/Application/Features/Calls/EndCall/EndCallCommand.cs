using EasyMo.Domain.Calls;
using Mediator;

namespace EasyMo.Application.Features.Calls.EndCall;

/// <summary>
/// An operator ends a live call (the live view): hung up at OpenAI, and its end recorded as the agent's side's.
/// <paramref name="By"/>: the operator's token id (never the token), kept with the call's activity.
/// </summary>
public sealed record EndCallCommand(OpenAiCallId CallId, string? By = null) : ICommand<EndCallOutcome>;

public enum EndCallOutcome
{
    Ended,

    /// <summary>The call is not live (never accepted, or over already).</summary>
    NotLive,

    /// <summary>OpenAI did not take the hang-up.</summary>
    Failed,
}
