using EasyMo.Domain.Calls;
using Mediator;

namespace EasyMo.Application.Features.Calls.TransferCall;

/// <summary>Hands a live call to a human (SIP REFER): the agent's <c>transfer_to_human</c>, or the caller pressing 0.</summary>
public sealed record TransferCallCommand(OpenAiCallId CallId, TransferTrigger Trigger) : ICommand<TransferOutcome>;

public enum TransferTrigger
{
    AgentTool,
    KeyPress,
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
