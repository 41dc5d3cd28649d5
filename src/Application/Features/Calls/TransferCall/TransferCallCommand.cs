using EasyMo.Domain.Calls;
using Mediator;

namespace EasyMo.Application.Features.Calls.TransferCall;

/// <summary>
/// Hands a live call to a human (SIP REFER): the agent's <c>transfer_to_human</c>, the caller pressing 0, or an operator
/// (<paramref name="By"/>: their token id, kept with the activity). <paramref name="Service"/> is the EasyMO service the
/// caller needs, when the agent named one (one of <see cref="EasyMoServices.All"/>): the warm transfer's brief says it,
/// even for a caller who did not consent.
/// </summary>
public sealed record TransferCallCommand(OpenAiCallId CallId, TransferTrigger Trigger, string? By = null, string? Service = null) : ICommand<TransferOutcome>;

public enum TransferTrigger
{
    AgentTool,
    KeyPress,

    /// <summary>An operator, from the live view.</summary>
    Operator,
}

public enum TransferOutcome
{
    Transferring,

    /// <summary>No transfer target is configured for the call's language and channel.</summary>
    NoTarget,

    /// <summary>OpenAI did not take the REFER.</summary>
    Failed,

    /// <summary>The call is not live.</summary>
    NotLive,
}
