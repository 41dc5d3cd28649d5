using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;
using EasyMo.Domain.Profiles;

namespace EasyMo.Application.Common.Abstractions;

/// <summary>Where calls and their callers' profiles are kept.</summary>
public interface ICallStore
{
    /// <summary>Finds the profile of a phone number (by number, or by WhatsApp id for the same digits).</summary>
    Task<Profile?> FindProfileAsync(PhoneNumber phone, CancellationToken cancellationToken);

    /// <summary>Returns the profile of a phone number, creating it when there is none; safe under concurrent first calls.</summary>
    Task<Profile> GetOrCreateProfileAsync(PhoneNumber phone, string? whatsAppId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the decision on a call: records the webhook delivery and the ringing call, atomically with what
    /// <see cref="ICallDecision.CommitAsync"/> stores later. Returns null when the webhook id or the call id has been
    /// seen before; a claim still open elsewhere (another request or service instance) is waited for first.
    /// </summary>
    Task<ICallDecision?> ClaimAsync(string webhookId, string eventType, Call call, CancellationToken cancellationToken);

    /// <summary>A call by OpenAI's call id, tracked for changes; null when unknown.</summary>
    Task<Call?> FindCallAsync(string callId, CancellationToken cancellationToken);

    /// <summary>A call by OpenAI's call id, read-only.</summary>
    Task<Call?> GetCallAsync(string callId, CancellationToken cancellationToken);

    /// <summary>A profile by id, tracked for changes.</summary>
    Task<Profile?> FindProfileByIdAsync(Guid profileId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a transcript turn to a call, numbered after the turns it has; a turn whose item id and speaker the call
    /// already holds is ignored (events can be seen twice, e.g. after a takeover). Returns whether it was stored.
    /// </summary>
    Task<bool> AppendTranscriptAsync(TranscriptTurnDraft turn, CancellationToken cancellationToken);

    /// <summary>Deletes what was kept of a call's conversation (transcript, requests): the caller withdrew consent.</summary>
    Task ForgetCallContentAsync(Guid callId, CancellationToken cancellationToken);

    /// <summary>Adds a record (activity, request) to be saved with the next <see cref="SaveChangesAsync"/>.</summary>
    void Add(CallActivity activity);

    /// <inheritdoc cref="Add(CallActivity)"/>
    void Add(CallRequest request);

    /// <summary>Saves changes to tracked calls and profiles.</summary>
    Task SaveChangesAsync(CancellationToken cancellationToken);
}

/// <summary>An open decision on one call. Nothing of it is visible to others until <see cref="CommitAsync"/>.</summary>
public interface ICallDecision : IAsyncDisposable
{
    /// <summary>
    /// Counts calls accepted since <paramref name="acceptedSince"/> and not ended, stopping at <paramref name="limit"/>
    /// (the count only needs to say whether a ceiling is reached).
    /// </summary>
    Task<int> CountLiveCallsAsync(DateTimeOffset acceptedSince, int limit, CancellationToken cancellationToken);

    /// <summary>Queues a WhatsApp message with the decision; a message with the same purpose is never queued twice.</summary>
    void Enqueue(OutboxMessage message);

    /// <summary>
    /// Stores the decided call (and anything enqueued) and releases the claim; a call from WhatsApp is then linked with
    /// the record of its WhatsApp call (same <c>x-wa-meta-wacid</c>) when that is stored already.
    /// </summary>
    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>A transcript turn before the store numbers it.</summary>
public sealed record TranscriptTurnDraft(Guid CallId, Speaker Speaker, string Text, string ItemId, DateTimeOffset At);
