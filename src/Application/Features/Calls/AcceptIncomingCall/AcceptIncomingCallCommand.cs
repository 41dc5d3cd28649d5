using EasyMo.Domain.Calls;
using EasyMo.Application.Features.Calls.Sip;
using Mediator;

namespace EasyMo.Application.Features.Calls.AcceptIncomingCall;

/// <summary>
/// A signed incoming-call webhook (<c>realtime.call.incoming</c>, or GPT-Live's <c>live.transport.incoming</c> with the
/// session id as <paramref name="CallId"/>): decide, while the phone rings, whether and how to answer the call, carry the
/// decision out at OpenAI on <paramref name="Runtime"/>'s surface and store it. The decision is the same on both runtimes.
/// </summary>
public sealed record AcceptIncomingCallCommand(string WebhookId, OpenAiCallId CallId, IReadOnlyList<SipHeader> SipHeaders, VoiceRuntime Runtime = VoiceRuntime.Realtime)
    : ICommand<CallDecision>;
