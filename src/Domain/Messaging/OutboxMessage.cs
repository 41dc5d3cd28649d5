using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;

namespace EasyMo.Domain.Messaging;

/// <summary>
/// A WhatsApp message to send. Rows are written in the same transaction as the decision that needs them (recorded
/// once: <see cref="DeduplicationKey"/> keeps one message per purpose) and drained by the outbox dispatcher, which may
/// send a message more than once when it cannot record a send (at least once). After the send, delivery statuses
/// arrive by webhook and are matched by <see cref="ProviderMessageId"/>.
/// </summary>
public sealed class OutboxMessage
{
    private OutboxMessage()
    {
        // For EF Core.
        DeduplicationKey = string.Empty;
        Recipient = string.Empty;
        Body = string.Empty;
        Language = Language.English;
    }

    public Guid Id { get; private set; }

    /// <summary>What the message is for, unique: <c>call-fallback:{callId}</c>, <c>transfer-brief:{callId}:{ordinal}</c>, ….</summary>
    public string DeduplicationKey { get; private set; }

    /// <summary>The recipient's number in digits, as the Graph API takes it.</summary>
    public string Recipient { get; private set; }

    public string Body { get; private set; }

    public Language Language { get; private set; }

    public OutboxStatus Status { get; private set; }

    public int Attempts { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When the next attempt is due; while a dispatcher holds the message, the end of its lease.</summary>
    public DateTimeOffset NextAttemptAt { get; private set; }

    /// <summary>Text until WhatsApp refuses it outside the 24-hour window (131047); then the fallback template.</summary>
    public OutboxMessageKind Kind { get; private set; }

    /// <summary>The approved template sent instead of the text, when <see cref="Kind"/> is a template.</summary>
    public string? TemplateName { get; private set; }

    /// <summary>The template's language code.</summary>
    public string? TemplateLanguage { get; private set; }

    /// <summary>WhatsApp's id of the sent message (<c>wamid.…</c>), unique; delivery statuses are matched by it.</summary>
    public string? ProviderMessageId { get; private set; }

    public DateTimeOffset? SentAt { get; private set; }

    /// <summary>How far the sent message got, from the <c>statuses</c> webhooks; never moves backwards.</summary>
    public OutboxDeliveryStatus? DeliveryStatus { get; private set; }

    public DateTimeOffset? DeliveryStatusAt { get; private set; }

    /// <summary>The Graph API error code of the last failed attempt (<c>130429</c>, <c>131026</c>, …), if it had one.</summary>
    public int? LastErrorCode { get; private set; }

    /// <summary>Why the last attempt failed or the message was given up, in a few words (never the message's text).</summary>
    public string? LastError { get; private set; }

    public DateTimeOffset? UpdatedAt { get; private set; }

    /// <summary>
    /// Whether the fallback template (written for callers) may stand in for this text outside the 24-hour window: not for
    /// a warm transfer's brief, which goes to a member of staff and says what no template can.
    /// </summary>
    public bool MayFallBackToTemplate => !DeduplicationKey.StartsWith(TransferBriefKeyPrefix, StringComparison.Ordinal);

    /// <summary>A text to send now, once per <paramref name="key"/> (every message starts as one).</summary>
    private static OutboxMessage Text(string key, PhoneNumber recipient, Language language, string body, DateTimeOffset now) =>
        new()
        {
            Id = Guid.CreateVersion7(now),
            DeduplicationKey = key,
            Recipient = recipient.Digits,
            Body = body,
            Language = language,
            Status = OutboxStatus.Pending,
            Kind = OutboxMessageKind.Text,
            CreatedAt = now,
            NextAttemptAt = now,
        };

    public static OutboxMessage CallFallback(OpenAiCallId callId, PhoneNumber recipient, Language language, string body, DateTimeOffset now) =>
        Text($"call-fallback:{callId}", recipient, language, body, now);

    /// <summary>What every transfer brief's key starts with: <c>transfer-brief:{callId}:{ordinal}</c>.</summary>
    public const string TransferBriefKeyPrefix = "transfer-brief:";

    /// <summary>The keys of one call's transfer briefs start with this (the call id is followed by a colon: no other call's key matches).</summary>
    public static string TransferBriefKeysOf(OpenAiCallId callId) => $"{TransferBriefKeyPrefix}{callId}:";

    /// <summary>
    /// What the person who takes a transferred call is told first (a warm transfer), once per transfer:
    /// <c>transfer-brief:{callId}:{ordinal}</c>, <paramref name="ordinal"/> counting the call's transfers from 1. A
    /// redelivered request for the same transfer finds the same key and adds nothing; a later transfer gets its own.
    /// </summary>
    public static OutboxMessage TransferBrief(OpenAiCallId callId, int ordinal, PhoneNumber recipient, Language language, string body, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ordinal, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(body);
        if (callId.Value is null)
        {
            throw new DomainException("A transfer brief needs the call's id.");
        }

        return Text($"{TransferBriefKeysOf(callId)}{ordinal}", recipient, language, body.Trim(), now);
    }

    /// <summary>The text answer to a voice note (or the polite refusal of one), once per note: <c>voice-note-reply:{messageId}</c>.</summary>
    public static OutboxMessage VoiceNoteReply(string messageId, PhoneNumber recipient, Language language, string body, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        ArgumentException.ThrowIfNullOrWhiteSpace(body);
        return Text($"voice-note-reply:{messageId}", recipient, language, body.Trim(), now);
    }

    /// <summary>
    /// The consent question sent to the sender of a voice note who has not answered it yet, once per note:
    /// <c>consent-question:{messageId}</c>.
    /// </summary>
    public static OutboxMessage ConsentQuestion(string messageId, PhoneNumber recipient, Language language, string body, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        ArgumentException.ThrowIfNullOrWhiteSpace(body);
        return Text($"consent-question:{messageId}", recipient, language, body.Trim(), now);
    }

    /// <summary>The attempt was accepted by WhatsApp: the message is sent, with WhatsApp's id for it.</summary>
    public void MarkSent(string? providerMessageId, DateTimeOffset now)
    {
        EnsurePending();
        Attempts++;
        Status = OutboxStatus.Sent;
        ProviderMessageId = string.IsNullOrEmpty(providerMessageId) ? null : providerMessageId;
        SentAt = now;
        UpdatedAt = now;
    }

    /// <summary>The attempt failed for a passing reason: tried again at <paramref name="nextAttemptAt"/>.</summary>
    public void RetryAt(DateTimeOffset nextAttemptAt, int? errorCode, string reason, DateTimeOffset now)
    {
        EnsurePending();
        Attempts++;
        NextAttemptAt = nextAttemptAt;
        LastErrorCode = errorCode;
        LastError = reason;
        UpdatedAt = now;
    }

    /// <summary>The message cannot be sent (undeliverable, refused, out of attempts): it is never tried again.</summary>
    public void GiveUp(int? errorCode, string reason, DateTimeOffset now)
    {
        EnsurePending();
        Attempts++;
        Status = OutboxStatus.GivenUp;
        LastErrorCode = errorCode;
        LastError = reason;
        UpdatedAt = now;
    }

    /// <summary>
    /// The text was refused outside the 24-hour window (131047): the approved template <paramref name="name"/> is sent
    /// instead, at once. Only a text switches; a template refused the same way is given up by the dispatcher.
    /// </summary>
    public void SwitchToTemplate(string name, string language, int? errorCode, DateTimeOffset now)
    {
        EnsurePending();
        if (Kind != OutboxMessageKind.Text)
        {
            throw new DomainException($"Outbox message {Id} is already a template.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(language);
        Attempts++;
        Kind = OutboxMessageKind.Template;
        TemplateName = name;
        TemplateLanguage = language;
        NextAttemptAt = now;
        LastErrorCode = errorCode;
        LastError = "outside the 24-hour window: switched to the template";
        UpdatedAt = now;
    }

    /// <summary>
    /// A delivery status from WhatsApp's webhooks. Applied only when it tells more than the one recorded (statuses
    /// arrive in any order); returns whether it changed anything.
    /// </summary>
    public bool ApplyDeliveryStatus(OutboxDeliveryStatus status, DateTimeOffset now)
    {
        if (DeliveryStatus is { } current && current >= status)
        {
            return false;
        }

        DeliveryStatus = status;
        DeliveryStatusAt = now;
        UpdatedAt = now;
        return true;
    }

    private void EnsurePending()
    {
        if (Status != OutboxStatus.Pending)
        {
            throw new DomainException($"Outbox message {Id} is {Status}, not pending.");
        }
    }
}
