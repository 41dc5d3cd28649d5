using EasyMo.Domain.Calls;
namespace EasyMo.Application.Common.Abstractions;

/// <summary>
/// What the service can do to a SIP call OpenAI told it about, on one runtime's surface: the Realtime calls API
/// (<c>/v1/realtime/calls/{call_id}</c>) or GPT-Live's sessions (<c>/v1/live/sessions/{session_id}</c>).
/// </summary>
public interface ICallControl
{
    /// <summary>The runtime whose surface this is.</summary>
    VoiceRuntime Runtime { get; }

    /// <summary>
    /// Answers the call with the given session. Retried only when the request certainly did not reach OpenAI (the
    /// connection could not be made): OpenAI places a call's first decision, so an accept is never sent twice on a guess.
    /// </summary>
    Task<RealtimeCallResult> AcceptAsync(OpenAiCallId callId, AgentSession session, CancellationToken cancellationToken);

    /// <summary>Refuses the call with a SIP status (603 Decline, 486 Busy Here, 480 Temporarily Unavailable, …).</summary>
    Task<RealtimeCallResult> RejectAsync(OpenAiCallId callId, int sipStatusCode, CancellationToken cancellationToken);

    /// <summary>Transfers the call (SIP REFER) to <paramref name="targetUri"/> (<c>tel:+…</c> or <c>sip:…</c>).</summary>
    Task<RealtimeCallResult> ReferAsync(OpenAiCallId callId, string targetUri, CancellationToken cancellationToken);

    /// <summary>Ends the call.</summary>
    Task<RealtimeCallResult> HangupAsync(OpenAiCallId callId, CancellationToken cancellationToken);
}

/// <summary>Each runtime's <see cref="ICallControl"/>: a call is controlled on the surface of the runtime that answered it.</summary>
public interface ICallControls
{
    ICallControl For(VoiceRuntime runtime);
}

/// <summary>
/// The session a call is accepted with, on either runtime. On Realtime, one model speaks and runs the tools: the whole of
/// <see cref="Instructions"/> goes to it. On GPT-Live, <see cref="Instructions"/> is the short spoken prompt and the
/// business rules (<see cref="BackendInstructions"/>) and the tools go to the Responses model it delegates to.
/// </summary>
public sealed record AgentSession(
    string Model,
    string Instructions,
    string Voice,
    string? TranscriptionModel,
    IReadOnlyList<Features.Calls.AgentTool> Tools,
    string? BackendModel = null,
    string? BackendInstructions = null);

public enum RealtimeCallOutcome
{
    /// <summary>OpenAI answered 2xx.</summary>
    Succeeded,

    /// <summary>OpenAI answered 404: the call no longer exists (the caller hung up, or the webhook came late).</summary>
    CallNotFound,

    /// <summary>The request certainly did not take effect: OpenAI refused it (4xx), or it could not be sent at all.</summary>
    Failed,

    /// <summary>
    /// OpenAI answered <c>decision_already_made</c> (409): the call's first accept or reject was made before, by this
    /// service or another attempt of it. Which one, the answer does not say (docs/adr/0004).
    /// </summary>
    AlreadyDecided,

    /// <summary>
    /// The request may or may not have taken effect: it timed out, the connection broke after it was sent, or OpenAI
    /// answered 5xx. Never retried blindly; the caller reconciles (docs/adr/0004).
    /// </summary>
    InDoubt,
}

public sealed record RealtimeCallResult(RealtimeCallOutcome Outcome, int? HttpStatus = null, string? Error = null)
{
    public static readonly RealtimeCallResult Success = new(RealtimeCallOutcome.Succeeded, 200);

    public bool Succeeded => Outcome == RealtimeCallOutcome.Succeeded;
}
