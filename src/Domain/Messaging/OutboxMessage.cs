using EasyMo.Domain.Common;

namespace EasyMo.Domain.Messaging;

/// <summary>
/// A WhatsApp text waiting to be sent. Rows are written in the same transaction as the decision that needs
/// them and drained by the WhatsApp dispatcher; <see cref="DeduplicationKey"/> keeps one message per purpose.
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

    /// <summary>What the message is for, unique: <c>call-fallback:{callId}</c>.</summary>
    public string DeduplicationKey { get; private set; }

    /// <summary>The recipient's number in digits, as the Graph API takes it.</summary>
    public string Recipient { get; private set; }

    public string Body { get; private set; }

    public Language Language { get; private set; }

    public OutboxStatus Status { get; private set; }

    public int Attempts { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset NextAttemptAt { get; private set; }

    public static OutboxMessage CallFallback(string callId, PhoneNumber recipient, Language language, string body, DateTimeOffset now) =>
        new()
        {
            Id = Guid.CreateVersion7(now),
            DeduplicationKey = $"call-fallback:{callId}",
            Recipient = recipient.Digits,
            Body = body,
            Language = language,
            Status = OutboxStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
        };
}
