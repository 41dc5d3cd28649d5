using EasyMo.Domain.Calls;
using Mediator;

namespace EasyMo.Application.Features.Calls.AcknowledgeOtherRuntime;

/// <summary>
/// An incoming call announced on the runtime that does not answer (<c>OPENAI_VOICE_RUNTIME</c>): nothing is decided; the
/// delivery is recorded once, so that <c>doctor</c> can tell when the events that arrive do not match the setting.
/// Returns false for a delivery seen before.
/// </summary>
public sealed record AcknowledgeOtherRuntimeCommand(string WebhookId, string EventType, OpenAiCallId CallId) : ICommand<bool>;
