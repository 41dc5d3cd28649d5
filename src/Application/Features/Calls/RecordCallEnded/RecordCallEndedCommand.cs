using EasyMo.Domain.Calls;
using Mediator;

namespace EasyMo.Application.Features.Calls.RecordCallEnded;

/// <summary>
/// An accepted call is over: the sideband socket closed, a guard hung up, or a <c>realtime.call.ended</c> event arrived.
/// <paramref name="EndedAt"/> defaults to now. <paramref name="VoiceSeconds"/>: the audio seconds OpenAI counted (GPT-Live's
/// <c>session.closed</c>), when it said.
/// </summary>
public sealed record RecordCallEndedCommand(OpenAiCallId CallId, CallEndReason Reason, DateTimeOffset? EndedAt = null, int? VoiceSeconds = null)
    : ICommand<RecordCallEndedResult>;

public enum RecordCallEndedResult
{
    Ended,

    /// <summary>The call had ended before; the first end stands.</summary>
    AlreadyEnded,

    /// <summary>The call was never accepted (rejected, missed, failed): there is nothing to end.</summary>
    NotAccepted,

    UnknownCall,
}
