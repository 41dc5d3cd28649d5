using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;
using EasyMo.Domain.Profiles;
using EasyMo.Domain.WhatsApp;

namespace EasyMo.Application.Common.Abstractions;

/// <summary>
/// Where WhatsApp webhook events are deduplicated and what they tell is kept. Meta has no webhook id and retries for
/// days, so each event is claimed by a key of its own (message id; call id and event) in the same transaction that
/// applies it: an event is applied once, and an event whose transaction failed is applied by the next delivery.
/// </summary>
public interface IWhatsAppStore
{
    /// <summary>
    /// Opens the transaction of one event and claims its key. Returns null when the key was claimed before (a
    /// redelivery); a claim of the same key still open elsewhere is waited for first.
    /// </summary>
    Task<IWhatsAppEventClaim?> ClaimEventAsync(string eventKey, string kind, DateTimeOffset receivedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Links the WhatsApp call with the OpenAI call whose <c>x-wa-meta-wacid</c> is its id, when both are stored and not
    /// yet linked. Run after the commit of either side, so that one of two sides committing at the same moment sees the
    /// other. Returns OpenAI's call id when this made the link.
    /// </summary>
    Task<OpenAiCallId?> LinkOpenAiCallAsync(string whatsAppCallId, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>One claimed event, open until <see cref="CommitAsync"/>; disposed without it, nothing of it is kept.</summary>
public interface IWhatsAppEventClaim : IAsyncDisposable
{
    /// <summary>
    /// The profile of a WhatsApp user, found by <c>wa_id</c> or phone number, created when there is none (safe under
    /// concurrent first events); tracked, so that changes are saved with the event.
    /// </summary>
    Task<Profile> GetOrCreateProfileAsync(WaId waId, PhoneNumber? phone, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// The record of a WhatsApp call, locked for this event: <paramref name="update"/> is applied to the existing record,
    /// or <paramref name="create"/> makes it (a concurrent first event of the same call is waited for, then updated).
    /// </summary>
    Task<WhatsAppCall> LockOrAddCallAsync(string whatsAppCallId, Func<WhatsAppCall> create, Action<WhatsAppCall> update, CancellationToken cancellationToken);

    void Add(VoiceNote note);

    /// <summary>Queues a WhatsApp message with the event (the consent question).</summary>
    void Add(OutboxMessage message);

    /// <summary>The sender's voice notes that wait for their answer to the consent question, tracked.</summary>
    Task<IReadOnlyList<VoiceNote>> FindNotesAwaitingConsentAsync(WaId waId, CancellationToken cancellationToken);

    /// <summary>Deletes a voice note with the event (its sender refused consent).</summary>
    void Remove(VoiceNote note);

    /// <summary>Keeps a recording's or a transcription's reference with the event.</summary>
    void Add(CallRecording recording);

    /// <summary>
    /// Whether the WhatsApp user consented to keep what they say on this call: the answer given on the call (the OpenAI
    /// call with this <c>x-wa-meta-wacid</c>) when there was one, otherwise the answer remembered on their profile.
    /// Never creates a profile.
    /// </summary>
    Task<(Guid? ProfileId, bool Granted)> FindCallConsentAsync(string whatsAppCallId, WaId? waId, CancellationToken cancellationToken);

    /// <summary>
    /// The outbox message WhatsApp knows by <paramref name="providerMessageId"/> (<c>wamid.…</c>), locked for this event;
    /// null when no outbox message was sent with that id.
    /// </summary>
    Task<OutboxMessage?> LockOutboxMessageAsync(string providerMessageId, CancellationToken cancellationToken);

    /// <summary>Saves what the event changed, with its key, and ends the transaction.</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}
