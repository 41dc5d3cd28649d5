using EasyMo.Domain.Common;
using EasyMo.Domain.Privacy;

namespace EasyMo.Domain.Calls;

/// <summary>
/// One incoming call and its lifecycle: ringing → accepted → ended, or ringing → rejected / missed / failed.
/// Every transition is guarded; repeating the transition a call already made changes nothing.
/// </summary>
public sealed class Call
{
    private Call()
    {
        // For EF Core.
        Language = Language.English;
    }

    private Call(OpenAiCallId callId, CallChannel channel, DateTimeOffset receivedAt)
    {
        Id = Guid.CreateVersion7(receivedAt);
        CallId = callId;
        Channel = channel;
        Language = Language.English;
        Status = CallStatus.Ringing;
        ReceivedAt = receivedAt;
    }

    /// <summary>The longest caller display name kept (cleaned and cut to it at <see cref="Receive"/>).</summary>
    public const int MaxCallerNameLength = 256;

    /// <summary>The longest WhatsApp call id kept; a longer or non-printable one is no id of WhatsApp's.</summary>
    public const int MaxWhatsAppCallIdLength = 256;

    public const int MaxTrunkLength = 64;

    /// <summary>The longest SIP <c>Call-ID</c> kept (RFC 3261 sets no limit; real ones are far shorter).</summary>
    public const int MaxSipCallIdLength = 256;

    public Guid Id { get; private set; }

    /// <summary>OpenAI's id of the call (<c>rtc_…</c>); unique.</summary>
    public OpenAiCallId CallId { get; private set; }

    public CallStatus Status { get; private set; }

    public CallChannel Channel { get; private set; }

    /// <summary>The carrier trunk the call came in on, when known (MTN Rwanda, GO Malta, …).</summary>
    public string? Trunk { get; private set; }

    public Language Language { get; private set; }

    public PhoneNumber? Caller { get; private set; }

    public string? CallerName { get; private set; }

    public PhoneNumber? Callee { get; private set; }

    /// <summary>WhatsApp's call id (<c>x-wa-meta-wacid</c>) when the call came from WhatsApp.</summary>
    public string? WhatsAppCallId { get; private set; }

    public Guid? ProfileId { get; private set; }

    /// <summary>
    /// Whether the SIP edge attested the caller (<see cref="CallerIdentity.Verified"/>); an unverified call's number is a
    /// claim, kept for operators only. Set when the call is received.
    /// </summary>
    public CallerIdentity Identity { get; private set; }

    /// <summary>The runtime that answers the call: the one whose event was decided, and whose surface its controls use.</summary>
    public VoiceRuntime Runtime { get; private set; }

    /// <summary>
    /// The INVITE's SIP <c>Call-ID</c>: what a call announced on both runtimes (with two ids of OpenAI's) has in common, so
    /// that it is decided once. Unique among calls; null when the INVITE had none.
    /// </summary>
    public string? SipCallId { get; private set; }

    /// <summary>The audio seconds OpenAI counted for the call (GPT-Live's <c>session.closed</c> usage); null when it did not say.</summary>
    public int? VoiceSeconds { get; private set; }

    public DateTimeOffset ReceivedAt { get; private set; }

    public DateTimeOffset? AcceptedAt { get; private set; }

    /// <summary>When the call was rejected, missed or failed.</summary>
    public DateTimeOffset? DecidedAt { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    public int? DurationSeconds { get; private set; }

    /// <summary>Turns whose wait the follower measured (see <see cref="CallQuality"/>); null: the call was not followed to its end.</summary>
    public int? MeasuredTurns { get; private set; }

    public int? TurnWaitP50Ms { get; private set; }

    public int? TurnWaitP95Ms { get; private set; }

    public int? TurnWaitMaxMs { get; private set; }

    /// <summary>From the accept to the agent's first audio (the greeting).</summary>
    public int? GreetingWaitMs { get; private set; }

    /// <summary>The longest tool round trip: from the model's call to the answer sent back.</summary>
    public int? ToolMaxMs { get; private set; }

    /// <summary>How long the caller waited, as measured when the call ended; null when nobody measured it.</summary>
    public CallQuality? Quality => MeasuredTurns is { } turns ? new(turns, TurnWaitP50Ms, TurnWaitP95Ms, TurnWaitMaxMs, GreetingWaitMs, ToolMaxMs) : null;

    public CallEndReason? EndReason { get; private set; }

    /// <summary>The SIP status sent to the caller when the call was refused (603, 486, 480).</summary>
    public int? SipStatusCode { get; private set; }

    public string? Model { get; private set; }

    public string? Voice { get; private set; }

    /// <summary>Where the call was handed to a human (SIP REFER target), when it was.</summary>
    public string? TransferTarget { get; private set; }

    /// <summary>A short summary of the conversation in the caller's language, made after the call.</summary>
    public string? Summary { get; private set; }

    public SummaryStatus SummaryStatus { get; private set; }

    public int SummaryAttempts { get; private set; }

    /// <summary>When the summary was settled: stored (or found unnecessary), or given up on.</summary>
    public DateTimeOffset? SummarySettledAt { get; private set; }

    /// <summary>When the summary should next be attempted; null when none is due.</summary>
    public DateTimeOffset? SummaryDueAt { get; private set; }

    /// <summary>The service the caller asked about, as the post-call analysis read it (one of <see cref="EasyMoServices.All"/>).</summary>
    public string? AnalysisService { get; private set; }

    public CallOutcome? AnalysisOutcome { get; private set; }

    public CallerSentiment? AnalysisSentiment { get; private set; }

    public SpokenLanguage? AnalysisLanguage { get; private set; }

    /// <summary>Whether the agent misunderstood the caller.</summary>
    public bool? AnalysisMisunderstood { get; private set; }

    /// <summary>Whether the agent repeated itself.</summary>
    public bool? AnalysisRepeated { get; private set; }

    public AnalysisStatus AnalysisStatus { get; private set; }

    public int AnalysisAttempts { get; private set; }

    /// <summary>When the analysis was settled: stored (or found unnecessary), or given up on.</summary>
    public DateTimeOffset? AnalysisSettledAt { get; private set; }

    /// <summary>When the analysis should next be attempted; null when none is due.</summary>
    public DateTimeOffset? AnalysisDueAt { get; private set; }

    /// <summary>The stored analysis; null when there is none.</summary>
    public CallAnalysis? Analysis =>
        AnalysisService is { } service && AnalysisOutcome is { } outcome && AnalysisSentiment is { } sentiment && AnalysisLanguage is { } language
            ? new CallAnalysis(service, outcome, sentiment, language, AnalysisMisunderstood ?? false, AnalysisRepeated ?? false)
            : null;

    /// <summary>Whether the caller agreed that the conversation may be kept; without it only metadata is stored.</summary>
    public Consent Consent { get; private set; }

    /// <summary>When the caller answered (or when the remembered answer was applied).</summary>
    public DateTimeOffset? ConsentAt { get; private set; }

    /// <summary>The one-way pseudonym that replaced the caller's number (erasure, or the pseudonymisation age).</summary>
    public string? CallerPseudonym { get; private set; }

    /// <summary>The call is answered and not over: the agent talks with the caller, and the call may be followed, transferred or hung up.</summary>
    public bool IsLive => Status == CallStatus.Accepted;

    /// <summary>Transcripts, summaries and requests of this call may be stored.</summary>
    public bool KeepsContent => Consent == Consent.Granted;

    public static Call Receive(
        OpenAiCallId callId,
        CallChannel channel,
        PhoneNumber? caller,
        string? callerName,
        PhoneNumber? callee,
        DateTimeOffset receivedAt,
        string? whatsAppCallId = null,
        string? trunk = null,
        CallerIdentity identity = CallerIdentity.Unverified,
        string? sipCallId = null,
        VoiceRuntime runtime = VoiceRuntime.Realtime)
    {
        if (callId.Value is null)
        {
            throw new DomainException("A call needs OpenAI's call id.");
        }

        return new Call(callId, channel, receivedAt)
        {
            Caller = caller,
            // Both come from SIP headers anyone can write: bounded and cleaned here, never refused by the database.
            CallerName = UntrustedText.OneLine(callerName, MaxCallerNameLength),
            Callee = callee,
            WhatsAppCallId = UntrustedText.Token(whatsAppCallId, MaxWhatsAppCallIdLength),
            Trunk = UntrustedText.OneLine(trunk, MaxTrunkLength),
            Identity = identity,
            SipCallId = UntrustedText.Token(sipCallId, MaxSipCallIdLength),
            Runtime = runtime,
        };
    }

    /// <summary>Links the caller's profile and the language the agent will speak. Only while ringing.</summary>
    public void Identify(Guid? profileId, Language language)
    {
        EnsureStatus(CallStatus.Ringing, "identify the caller of");
        ProfileId = profileId;
        Language = language;
    }

    /// <summary>The caller's remembered answer (still within the re-ask interval) applies to this call. Only while ringing.</summary>
    public void ApplyRememberedConsent(Consent consent, DateTimeOffset at)
    {
        EnsureStatus(CallStatus.Ringing, "apply a remembered consent to");
        if (consent == Consent.NotAsked)
        {
            return;
        }

        Consent = consent;
        ConsentAt = at;
    }

    /// <summary>
    /// The caller answered the consent question during the call (by voice or keypad). The latest answer stands, so a
    /// caller may change their mind. Returns whether it changed the call's consent. The live call's path applies the same
    /// rule in one statement (<c>ICallStore.RecordConsentAsync</c>; its integration tests hold it to this).
    /// </summary>
    public bool RecordConsent(bool granted, DateTimeOffset at)
    {
        EnsureStatus(CallStatus.Accepted, "record consent on");
        var consent = granted ? Consent.Granted : Consent.Denied;
        if (Consent == consent)
        {
            return false;
        }

        Consent = consent;
        ConsentAt = at;
        return true;
    }

    /// <summary>
    /// Replaces everything that identifies the caller (number, display name) with a one-way pseudonym. The call's
    /// metadata (times, outcome, language, channel) stays for statistics. Repeating it changes nothing.
    /// </summary>
    /// <param name="pseudonym">The number's pseudonym.</param>
    /// <param name="keyId">Keys the WhatsApp call id, which embeds the number (see <see cref="WhatsApp.WhatsAppCall.Pseudonymise"/>); null: kept.</param>
    public void Pseudonymise(string pseudonym, Func<string, string>? keyId = null)
    {
        if (string.IsNullOrWhiteSpace(pseudonym))
        {
            throw new DomainException("A pseudonym cannot be empty.");
        }

        if (keyId is not null && WhatsAppCallId is { } whatsAppCallId && !whatsAppCallId.StartsWith(WhatsApp.WhatsAppCall.KeyedIdPrefix, StringComparison.Ordinal))
        {
            WhatsAppCallId = keyId(whatsAppCallId);
        }

        // A call tied to the person, by their number or their profile, keeps their pseudonym: their calls still count as one
        // caller's in the statistics. A call tied to nobody has no one to stand for.
        CallerPseudonym ??= Caller is null && ProfileId is null ? null : pseudonym;
        Caller = null;
        CallerName = null;
        ProfileId = null;
    }

    /// <summary>Removes the conversation's content kept on the call itself (its summary and its analysis).</summary>
    public void ForgetContent()
    {
        Summary = null;
        if (SummaryStatus == SummaryStatus.Pending)
        {
            SummaryStatus = SummaryStatus.NotKept;
            SummaryDueAt = null;
        }

        SetAnalysis(null);
        if (AnalysisStatus == AnalysisStatus.Pending)
        {
            AnalysisStatus = AnalysisStatus.NotKept;
            AnalysisDueAt = null;
        }
    }

    public void Accept(DateTimeOffset at, string model, string voice)
    {
        if (Status == CallStatus.Accepted)
        {
            return;
        }

        EnsureStatus(CallStatus.Ringing, "accept");
        Status = CallStatus.Accepted;
        AcceptedAt = at;
        Model = model;
        Voice = voice;
    }

    public void Reject(DateTimeOffset at, int sipStatusCode, CallEndReason reason)
    {
        if (sipStatusCode is < 400 or > 699)
        {
            throw new DomainException($"{sipStatusCode} is not a SIP final error status.");
        }

        Decide(CallStatus.Rejected, at, reason, sipStatusCode);
    }

    /// <summary>The caller was gone before the call could be accepted (OpenAI answered 404).</summary>
    public void Miss(DateTimeOffset at) => Decide(CallStatus.Missed, at, CallEndReason.CallerGone, sipStatusCode: null);

    /// <summary>Someone else decided the call first (<see cref="CallEndReason.DecidedElsewhere"/>): not answered here, nothing sent.</summary>
    public void LeaveToOtherDecision(DateTimeOffset at) => Decide(CallStatus.Missed, at, CallEndReason.DecidedElsewhere, sipStatusCode: null);

    /// <summary>The call could not be accepted; the caller was sent <paramref name="sipStatusCode"/> when that was possible.</summary>
    public void Fail(DateTimeOffset at, int? sipStatusCode) => Decide(CallStatus.Failed, at, CallEndReason.AcceptFailed, sipStatusCode);

    /// <summary>Ends an accepted call. Returns false when it had already ended (the first end stands).</summary>
    public bool End(DateTimeOffset at, CallEndReason reason, int? voiceSeconds = null, CallQuality? quality = null)
    {
        if (Status == CallStatus.Ended)
        {
            return false;
        }

        EnsureStatus(CallStatus.Accepted, "end");
        var end = CallEnd.Of(AcceptedAt ?? ReceivedAt, Consent, at, reason, voiceSeconds, quality);
        Status = CallStatus.Ended;
        EndedAt = end.EndedAt;
        EndReason = end.Reason;
        DurationSeconds = end.DurationSeconds;
        VoiceSeconds = end.VoiceSeconds;
        SummaryStatus = end.SummaryStatus;
        SummaryDueAt = end.SummaryDueAt;
        AnalysisStatus = end.AnalysisStatus;
        AnalysisDueAt = end.SummaryDueAt;
        MeasuredTurns = end.Quality?.Turns;
        TurnWaitP50Ms = end.Quality?.TurnP50Ms;
        TurnWaitP95Ms = end.Quality?.TurnP95Ms;
        TurnWaitMaxMs = end.Quality?.TurnMaxMs;
        GreetingWaitMs = end.Quality?.GreetingMs;
        ToolMaxMs = end.Quality?.ToolMaxMs;
        return true;
    }

    /// <summary>Records that the call was handed to a human at <paramref name="target"/>.</summary>
    public void Transfer(string target)
    {
        EnsureStatus(CallStatus.Accepted, "transfer");
        if (string.IsNullOrWhiteSpace(target))
        {
            throw new DomainException("A transfer needs a target URI.");
        }

        TransferTarget = target;
    }

    public void RecordSummary(string summary, DateTimeOffset at)
    {
        EnsureStatus(CallStatus.Ended, "summarise");
        Summary = string.IsNullOrWhiteSpace(summary) ? null : summary.Trim();
        SummaryStatus = SummaryStatus.Done;
        SummaryDueAt = null;
        SummarySettledAt = at;
    }

    /// <summary>A summary attempt failed: try again after <paramref name="retryAfter"/>, or give up after <paramref name="maxAttempts"/>.</summary>
    public void SummaryAttemptFailed(DateTimeOffset at, TimeSpan retryAfter, int maxAttempts)
    {
        EnsureStatus(CallStatus.Ended, "summarise");
        SummaryAttempts++;
        if (SummaryAttempts >= maxAttempts)
        {
            SummaryStatus = SummaryStatus.Failed;
            SummaryDueAt = null;
            SummarySettledAt = at;
        }
        else
        {
            SummaryDueAt = at + retryAfter;
        }
    }

    /// <summary>Stores the analysis; null: there was nothing to analyse (no transcript), and none is kept.</summary>
    public void RecordAnalysis(CallAnalysis? analysis, DateTimeOffset at)
    {
        EnsureStatus(CallStatus.Ended, "analyse");
        if (analysis is not null && !EasyMoServices.IsKnown(analysis.Service))
        {
            throw new DomainException($"{analysis.Service} is not an EasyMO service.");
        }

        SetAnalysis(analysis);
        AnalysisStatus = AnalysisStatus.Done;
        AnalysisDueAt = null;
        AnalysisSettledAt = at;
    }

    /// <summary>An analysis attempt failed: try again after <paramref name="retryAfter"/>, or give up after <paramref name="maxAttempts"/>.</summary>
    public void AnalysisAttemptFailed(DateTimeOffset at, TimeSpan retryAfter, int maxAttempts)
    {
        EnsureStatus(CallStatus.Ended, "analyse");
        AnalysisAttempts++;
        if (AnalysisAttempts >= maxAttempts)
        {
            AnalysisStatus = AnalysisStatus.Failed;
            AnalysisDueAt = null;
            AnalysisSettledAt = at;
        }
        else
        {
            AnalysisDueAt = at + retryAfter;
        }
    }

    private void SetAnalysis(CallAnalysis? analysis)
    {
        AnalysisService = analysis?.Service;
        AnalysisOutcome = analysis?.Outcome;
        AnalysisSentiment = analysis?.Sentiment;
        AnalysisLanguage = analysis?.Language;
        AnalysisMisunderstood = analysis?.Misunderstood;
        AnalysisRepeated = analysis?.Repeated;
    }

    private void Decide(CallStatus status, DateTimeOffset at, CallEndReason reason, int? sipStatusCode)
    {
        if (Status == status)
        {
            return;
        }

        EnsureStatus(CallStatus.Ringing, $"mark as {status.ToString().ToLowerInvariant()}");
        Status = status;
        DecidedAt = at;
        EndReason = reason;
        SipStatusCode = sipStatusCode;
    }

    private void EnsureStatus(CallStatus expected, string action)
    {
        if (Status != expected)
        {
            throw new DomainException($"Cannot {action} call {CallId}: it is {Status.ToString().ToLowerInvariant()}, not {expected.ToString().ToLowerInvariant()}.");
        }
    }
}
