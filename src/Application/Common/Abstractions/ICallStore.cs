using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;
using EasyMo.Domain.Privacy;
using EasyMo.Domain.Profiles;
using EasyMo.Domain.WhatsApp;

namespace EasyMo.Application.Common.Abstractions;

/// <summary>Where calls and their callers' profiles are kept.</summary>
public interface ICallStore
{
    /// <summary>Finds the profile of a phone number (by number, or by WhatsApp id for the same digits), tracked for changes.</summary>
    Task<Profile?> FindProfileAsync(PhoneNumber phone, CancellationToken cancellationToken);

    /// <summary>The same lookup, read-only (one compiled query): what the decision on a call needs.</summary>
    Task<Profile?> ReadProfileAsync(PhoneNumber phone, CancellationToken cancellationToken);

    /// <summary>Returns the profile of a phone number, creating it when there is none; safe under concurrent first calls.</summary>
    Task<Profile> GetOrCreateProfileAsync(PhoneNumber phone, WaId? whatsAppId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the decision on a call and commits the claim at once (docs/adr/0004): the webhook delivery and the ringing
    /// call are stored, and with a <paramref name="limit"/> the live calls — decisions in flight included — are counted
    /// under one lock, so that concurrent claims cannot all pass the ceiling. No transaction stays open after it returns.
    /// Returns null when the call is decided already (a claim in flight elsewhere is waited for). A claim older than
    /// <paramref name="claimTimeout"/> by the database's clock, whose decision was never recorded (its process died), is
    /// taken over: the decision returned then says so.
    /// </summary>
    Task<ICallDecision?> ClaimAsync(string webhookId, string eventType, Call call, LiveCallLimit? limit, TimeSpan claimTimeout, CancellationToken cancellationToken);

    /// <summary>
    /// Records the delivery of an event that decides nothing (an incoming call on the runtime that does not answer), once
    /// per webhook id: what <c>doctor</c> reads to tell whether the events that arrive match the configured runtime.
    /// Returns false for a delivery recorded before.
    /// </summary>
    Task<bool> RecordDeliveryAsync(string webhookId, string eventType, OpenAiCallId callId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>A call by OpenAI's call id, tracked for changes; null when unknown.</summary>
    Task<Call?> FindCallAsync(OpenAiCallId callId, CancellationToken cancellationToken);

    /// <summary>A call by OpenAI's call id, read-only.</summary>
    Task<Call?> GetCallAsync(OpenAiCallId callId, CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="end"/> in one statement when the call is still accepted and its consent is still
    /// <paramref name="expectedConsent"/> (what the end was computed from), and lets its follower go; false otherwise, and nothing is written.
    /// </summary>
    Task<bool> TryEndAsync(OpenAiCallId callId, Consent expectedConsent, CallEnd end, CancellationToken cancellationToken);

    /// <summary>
    /// Records the caller's answer to the consent question (<paramref name="answer"/>: granted or denied) in one statement, when the call is accepted: on the call (when
    /// it changes), on the caller's profile (remembered, with its time, even when unchanged), and as the call's activity
    /// (<paramref name="activityKind"/>, <paramref name="activityDetail"/>). Returns the call's row id and whether the
    /// answer changed the call's consent; null when the call is not accepted, and nothing is written.
    /// </summary>
    Task<RecordedConsent?> RecordConsentAsync(OpenAiCallId callId, Consent answer, CallActivityKind activityKind, string activityDetail, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>A profile by id, tracked for changes.</summary>
    Task<Profile?> FindProfileByIdAsync(Guid profileId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends transcript turns to their calls in one statement, each call's numbered after the turns it has, in the
    /// order given; a turn whose item id and speaker the call already holds is ignored (events can be seen twice, e.g.
    /// after a takeover), and so are turns of calls that do not keep content (no consent, erased). Returns how many
    /// were stored.
    /// </summary>
    Task<int> AppendTranscriptAsync(IReadOnlyList<TranscriptTurnDraft> turns, CancellationToken cancellationToken);

    /// <summary>Deletes what was kept of a call's conversation (transcript, requests, transfer briefs): the caller withdrew consent.</summary>
    Task ForgetCallContentAsync(Guid callId, CancellationToken cancellationToken);

    /// <summary>Adds a record (activity, request) to be saved with the next <see cref="SaveChangesAsync"/>.</summary>
    void Add(CallActivity activity);

    /// <inheritdoc cref="Add(CallActivity)"/>
    void Add(CallRequest request);

    /// <summary>Adds a WhatsApp message to the outbox, saved with the next save (in the same transaction as the rest).</summary>
    void Enqueue(OutboxMessage message);

    /// <summary>Saves changes to tracked calls and profiles.</summary>
    Task SaveChangesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Saves as <see cref="SaveChangesAsync"/> does, with the messages <see cref="Enqueue"/>d; a message whose
    /// deduplication key is taken already (the same purpose, recorded by a concurrent request) is left out and the rest is
    /// saved. Returns false when a message was left out.
    /// </summary>
    Task<bool> SaveWithOutboxAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Saves the summary's outcome on <paramref name="call"/> only while the stored call's summary is still pending: an
    /// erasure (or retention) that forgot the content meanwhile wins. Returns whether it was saved.
    /// </summary>
    Task<bool> SaveSummaryAsync(Call call, CancellationToken cancellationToken);

    /// <summary>
    /// Saves the analysis's outcome on <paramref name="call"/> only while the stored call's analysis is still pending (an
    /// erasure or the retention purge may have forgotten the call's content meanwhile); returns whether it was saved.
    /// </summary>
    Task<bool> SaveAnalysisAsync(Call call, CancellationToken cancellationToken);
}

/// <summary>The live-call ceiling: at most <paramref name="Max"/> calls accepted since <paramref name="AcceptedSince"/> and decisions in flight.</summary>
public sealed record LiveCallLimit(int Max, DateTimeOffset AcceptedSince);

/// <summary>A claimed decision on one call: the claim is stored; the outcome is recorded by <see cref="CommitAsync"/>.</summary>
public interface ICallDecision
{
    /// <summary>The call to decide: the one claimed, or the stored call of a claim taken over.</summary>
    Call Call { get; }

    /// <summary>The claim was taken over from an attempt that never recorded its decision: it may have reached OpenAI.</summary>
    bool TakenOver { get; }

    /// <summary>The live-call ceiling was reached when the call was claimed (decisions in flight counted).</summary>
    bool OverLimit { get; }

    /// <summary>Queues a WhatsApp message with the decision; a message with the same purpose is never queued twice.</summary>
    void Enqueue(OutboxMessage message);

    /// <summary>
    /// Records the decided call (and anything enqueued) in one short transaction; a call from WhatsApp is then linked
    /// with the record of its WhatsApp call (same <c>x-wa-meta-wacid</c>) when that is stored already.
    /// </summary>
    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>A transcript turn before the store numbers it.</summary>
public sealed record TranscriptTurnDraft(OpenAiCallId CallId, Speaker Speaker, string Text, string ItemId, DateTimeOffset At);

/// <summary>A consent answer recorded on a live call: the call's row id, and whether the answer changed the call's consent.</summary>
public sealed record RecordedConsent(Guid CallRowId, bool Changed);
