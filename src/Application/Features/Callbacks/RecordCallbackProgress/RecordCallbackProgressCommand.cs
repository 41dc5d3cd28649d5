using EasyMo.Domain.Calls;
using Mediator;

namespace EasyMo.Application.Features.Callbacks.RecordCallbackProgress;

/// <summary>
/// A placed call back's session <paramref name="SessionId"/> was answered (<c>transport.answered</c>) or not
/// (<c>transport.failed</c>, the ring time ran out); <paramref name="Error"/> says why not, in OpenAI's code.
/// </summary>
public sealed record RecordCallbackProgressCommand(OpenAiCallId SessionId, bool Answered, string? Error = null) : ICommand<bool>;
