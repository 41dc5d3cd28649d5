using EasyMo.Domain.Calls;
using EasyMo.Domain.Messaging;
using EasyMo.Domain.Privacy;

namespace EasyMo.Application.Features.Calls.GetCall;

/// <summary>
/// A call as operators see it (<c>GET /api/calls/{callId}</c>); the API spells its states by their
/// <see cref="Domain.Common.StateNames"/> (the JSON options of the web host). Phone numbers are shown whole: the API is behind the admin
/// token. <c>summaryStatus</c> is <c>none</c> (not ended), <c>pending</c>, <c>done</c> (with a summary, or none for a call
/// without transcript) or <c>failed</c>. <c>consent</c> is the caller's answer to keeping the conversation:
/// <c>granted</c>, <c>denied</c> or <c>not_asked</c>. <c>identity</c> is <c>verified</c> (the SIP edge attested the
/// INVITE) or <c>unverified</c> (the caller's number is only a claim). <c>runtime</c> is the voice runtime that answered
/// (<c>realtime</c> or <c>live</c>); <c>voiceSeconds</c> what OpenAI counted (GPT-Live); <c>costUsd</c> the voice's cost at
/// the configured price (<see cref="CallPricingOptions"/>), null when no price is set for the runtime and model.
/// <c>quality</c>: how long the caller waited (<see cref="CallQuality"/>: each turn's wait p50/p95/max over the turns
/// measured, the greeting's wait, the longest tool round trip, in ms), null for a call not followed to its end.
/// <c>analysisStatus</c> is the post-call analysis's, as <c>summaryStatus</c> is the summary's; <c>analysis</c> is what
/// it read (<see cref="CallAnalysis"/>: <c>service</c>, <c>outcome</c>, <c>sentiment</c>, <c>language</c>,
/// <c>misunderstood</c>, <c>repeated</c>), null when there is none. <c>transferBriefs</c>: what the person who took each
/// transfer was sent first on WhatsApp (the warm transfer's brief), with its delivery; empty when none was sent.
/// </summary>
public sealed record CallDetails(
    string CallId,
    CallStatus Status,
    string Channel,
    CallerIdentity Identity,
    string? Trunk,
    string Language,
    string? Caller,
    string? CallerName,
    string? Callee,
    string? WhatsAppCallId,
    Guid? ProfileId,
    DateTimeOffset StartedAt,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? DecidedAt,
    DateTimeOffset? EndedAt,
    int? DurationSeconds,
    CallEndReason? EndReason,
    int? SipStatusCode,
    string? Model,
    string? Voice,
    string? Summary,
    SummaryStatus SummaryStatus,
    string? TransferTarget,
    Consent Consent,
    DateTimeOffset? ConsentAt,
    IReadOnlyList<TranscriptLine> Transcript,
    IReadOnlyList<ActivityLine> Activities,
    IReadOnlyList<RequestLine> Requests,
    IReadOnlyList<CallEvent> Events,
    VoiceRuntime Runtime = VoiceRuntime.Realtime,
    int? VoiceSeconds = null,
    decimal? CostUsd = null,
    CallQuality? Quality = null,
    AnalysisStatus AnalysisStatus = AnalysisStatus.None,
    CallAnalysis? Analysis = null,
    IReadOnlyList<TransferBriefLine>? TransferBriefs = null)
{
    public static CallDetails From(Call call) => From(call, [], [], [], []);

    public static CallDetails From(
        Call call,
        IReadOnlyList<TranscriptTurn> transcript,
        IReadOnlyList<CallActivity> activities,
        IReadOnlyList<CallRequest> requests,
        IReadOnlyList<CallEvent> events) => new(
        call.CallId.Value,
        call.Status,
        call.Channel.Name(),
        call.Identity,
        call.Trunk,
        call.Language.Code,
        call.Caller?.Value,
        call.CallerName,
        call.Callee?.Value,
        call.WhatsAppCallId,
        call.ProfileId,
        call.ReceivedAt,
        call.AcceptedAt,
        call.DecidedAt,
        call.EndedAt,
        call.DurationSeconds,
        call.EndReason,
        call.SipStatusCode,
        call.Model,
        call.Voice,
        call.Summary,
        call.SummaryStatus,
        call.TransferTarget,
        call.Consent,
        call.ConsentAt,
        transcript.Select(turn => new TranscriptLine(turn.Sequence, turn.Speaker, turn.Text, turn.At)).ToArray(),
        activities.Select(activity => new ActivityLine(activity.Kind, activity.Name, activity.Detail, activity.At)).ToArray(),
        requests.Select(request => new RequestLine(request.Service, request.Location, request.Details, request.At)).ToArray(),
        events,
        call.Runtime,
        call.VoiceSeconds,
        Quality: call.Quality,
        AnalysisStatus: call.AnalysisStatus,
        Analysis: call.Analysis);
}

/// <summary>
/// One step of a call's lifecycle, in order: <c>ringing</c>, <c>accepted</c> / <c>rejected</c> / <c>missed</c> /
/// <c>failed</c>, <c>monitor</c>, <c>tool_call</c>, <c>transfer</c>, <c>key_press</c>, <c>guard</c>, <c>request</c>,
/// <c>whatsapp_connected</c>, <c>whatsapp_terminated</c>, <c>whatsapp_fallback_queued</c>,
/// <c>whatsapp_fallback_sent</c>, <c>transfer_brief_queued</c>, <c>transfer_brief_sent</c> (a warm transfer's brief:
/// <c>#n</c>, and its delivery), <c>ended</c>, <c>summary</c> (<c>done</c> or <c>failed</c>).
/// </summary>
public sealed record CallEvent(DateTimeOffset At, string Type, string? Detail);

/// <summary>One turn of the conversation: <c>caller</c> or <c>agent</c>.</summary>
public sealed record TranscriptLine(int Sequence, Speaker Speaker, string Text, DateTimeOffset At);

/// <summary>A tool the agent used, a transfer, a key pressed, a guard that fired.</summary>
public sealed record ActivityLine(CallActivityKind Kind, string Name, string? Detail, DateTimeOffset At);

/// <summary>A request the caller made through the agent.</summary>
public sealed record RequestLine(string Service, string Location, string Details, DateTimeOffset At);

/// <summary>
/// The brief of one warm transfer (<paramref name="Ordinal"/>: the call's first, second, … transfer): to whom, the text
/// sent, the outbox's <paramref name="Status"/> (<c>pending</c>, <c>sent</c>, <c>given_up</c>) and WhatsApp's
/// <paramref name="DeliveryStatus"/> (<c>sent</c>, <c>delivered</c>, <c>read</c>, <c>failed</c>) once known.
/// </summary>
public sealed record TransferBriefLine(
    int Ordinal,
    string Recipient,
    string Text,
    OutboxStatus Status,
    OutboxDeliveryStatus? DeliveryStatus,
    DateTimeOffset QueuedAt,
    DateTimeOffset? SentAt,
    string? LastError)
{
    /// <summary>The line of a brief (<c>transfer-brief:{callId}:{ordinal}</c>).</summary>
    public static TransferBriefLine From(OutboxMessage message) =>
        new(
            int.TryParse(message.DeduplicationKey.AsSpan(message.DeduplicationKey.LastIndexOf(':') + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ordinal) ? ordinal : 0,
            "+" + message.Recipient, message.Body, message.Status, message.DeliveryStatus, message.CreatedAt, message.SentAt, message.LastError);
}
