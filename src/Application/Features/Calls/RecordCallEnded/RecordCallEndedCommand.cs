using EasyMo.Domain.Calls;
using EasyMo.Domain.Privacy;
using Mediator;

namespace EasyMo.Application.Features.Calls.RecordCallEnded;

/// <summary>
/// An accepted call is over: the sideband socket closed, a guard hung up, or a <c>realtime.call.ended</c> event arrived.
/// <paramref name="EndedAt"/> defaults to now. <paramref name="VoiceSeconds"/>: the audio seconds OpenAI counted (GPT-Live's
/// <c>session.closed</c>), when it said. <paramref name="Known"/>: what the monitor knows of the call it followed (when it
/// was accepted, the caller's consent as the monitor last saw it); with it the end is written in one statement, and only
/// when the stored call still matches — otherwise the call is read and ended as without it. <paramref name="Quality"/>: how
/// long the caller waited, as the follower measured it.
/// </summary>
public sealed record RecordCallEndedCommand(
    OpenAiCallId CallId,
    CallEndReason Reason,
    DateTimeOffset? EndedAt = null,
    int? VoiceSeconds = null,
    KnownCall? Known = null,
    CallQuality? Quality = null)
    : ICommand<RecordCallEndedResult>;

/// <summary>What an end depends on, as the follower of a live call knows it (see <see cref="CallEnd"/>).</summary>
public sealed record KnownCall(DateTimeOffset AcceptedAt, Consent Consent);

public enum RecordCallEndedResult
{
    Ended,

    /// <summary>The call had ended before; the first end stands.</summary>
    AlreadyEnded,

    /// <summary>The call was never accepted (rejected, missed, failed): there is nothing to end.</summary>
    NotAccepted,

    UnknownCall,
}
