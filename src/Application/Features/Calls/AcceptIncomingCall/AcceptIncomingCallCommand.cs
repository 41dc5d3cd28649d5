using EasyMo.Domain.Calls;
using EasyMo.Application.Features.Calls.Sip;
using Mediator;

namespace EasyMo.Application.Features.Calls.AcceptIncomingCall;

/// <summary>
/// A signed <c>realtime.call.incoming</c> webhook: decide, while the phone rings, whether and how to answer
/// the call, carry the decision out at OpenAI and store it.
/// </summary>
public sealed record AcceptIncomingCallCommand(string WebhookId, OpenAiCallId CallId, IReadOnlyList<SipHeader> SipHeaders)
    : ICommand<CallDecision>;
