using EasyMo.Application.Features.Calls.Sip;
using EasyMo.Domain.Calls;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.Calls;

/// <summary>
/// The call events the service logs, under the event names the original deployment's dashboards search for.
/// Phone numbers arrive here masked; nothing here takes a secret, a transcript or a raw body.
/// </summary>
public static partial class CallLog
{
    [LoggerMessage(EventId = 1000, EventName = "OPENAI_SIP_CALL_INCOMING", Level = LogLevel.Information,
        Message = "Incoming call {CallId} on {Channel} from {Caller} to {Callee}, identity {Identity} ({Attestation})")]
    public static partial void Incoming(ILogger logger, OpenAiCallId callId, CallChannel channel, string caller, string callee, CallerIdentity identity, AttestationFailure attestation);

    [LoggerMessage(EventId = 1001, EventName = "OPENAI_SIP_CALL_ACCEPTED", Level = LogLevel.Information,
        Message = "Accepted call {CallId} in {Language} with {Model} in {ElapsedMs} ms")]
    public static partial void Accepted(ILogger logger, OpenAiCallId callId, string language, string model, long elapsedMs);

    [LoggerMessage(EventId = 1002, EventName = "OPENAI_SIP_CALL_REJECTED", Level = LogLevel.Information,
        Message = "Rejected call {CallId} with SIP {SipStatus} ({Reason})")]
    public static partial void Rejected(ILogger logger, OpenAiCallId callId, int sipStatus, CallEndReason reason);

    [LoggerMessage(EventId = 1003, EventName = "OPENAI_SIP_CALL_MISSED", Level = LogLevel.Information,
        Message = "Call {CallId} was gone before it could be accepted")]
    public static partial void Missed(ILogger logger, OpenAiCallId callId);

    [LoggerMessage(EventId = 1004, EventName = "OPENAI_SIP_CALL_ACCEPT_ERROR", Level = LogLevel.Error,
        Message = "Could not accept call {CallId} (HTTP {HttpStatus}, {Error}); rejected with SIP {SipStatus}: {RejectOutcome}")]
    public static partial void AcceptFailed(ILogger logger, OpenAiCallId callId, int? httpStatus, string? error, int sipStatus, RealtimeOutcomeText rejectOutcome);

    [LoggerMessage(EventId = 1005, EventName = "OPENAI_SIP_CALL_DUPLICATE", Level = LogLevel.Information,
        Message = "Call {CallId} was already decided; webhook {WebhookId} changes nothing")]
    public static partial void Duplicate(ILogger logger, OpenAiCallId callId, string webhookId);

    [LoggerMessage(EventId = 1006, EventName = "OPENAI_SIP_CALL_ENDED", Level = LogLevel.Information,
        Message = "Call {CallId} ended after {DurationSeconds} s ({Reason})")]
    public static partial void Ended(ILogger logger, OpenAiCallId callId, int? durationSeconds, CallEndReason reason);

    [LoggerMessage(EventId = 1007, EventName = "OPENAI_SIP_FALLBACK_QUEUED", Level = LogLevel.Information,
        Message = "Queued a WhatsApp fallback message for call {CallId} to {Recipient}")]
    public static partial void FallbackQueued(ILogger logger, OpenAiCallId callId, string recipient);

    [LoggerMessage(EventId = 1008, EventName = "OPENAI_SIP_CALL_RECONCILED", Level = LogLevel.Warning,
        Message = "Call {CallId}: the {Operation} was in doubt ({Cause}); reconciled as {Outcome}")]
    public static partial void Reconciled(ILogger logger, OpenAiCallId callId, string operation, string cause, string outcome);

    [LoggerMessage(EventId = 1009, EventName = "OPENAI_SIP_CALL_REJECT_FAILED", Level = LogLevel.Warning,
        Message = "Reject of call {CallId} failed (HTTP {HttpStatus}, {Error}); the call is recorded as refused and OpenAI times it out")]
    public static partial void RejectFailed(ILogger logger, OpenAiCallId callId, int? httpStatus, string? error);

    [LoggerMessage(EventId = 1010, EventName = "OPENAI_SIP_CALL_DECIDED_ELSEWHERE", Level = LogLevel.Warning,
        Message = "Call {CallId}: OpenAI says decision_already_made to this service's first accept on {Runtime}: decided elsewhere, not followed")]
    public static partial void DecidedElsewhere(ILogger logger, OpenAiCallId callId, VoiceRuntime runtime);
}

/// <summary>How the reject that follows a failed accept went, for the log line.</summary>
public enum RealtimeOutcomeText
{
    Sent,
    CallGone,
    Failed,
}
