using EasyMo.Domain.Common;

namespace EasyMo.Domain.WhatsApp;

/// <summary>
/// An audio message a WhatsApp user sent (<c>type:"audio"</c>; a voice note when <see cref="IsVoice"/>), kept to be
/// downloaded, transcribed and answered after the webhook has been acknowledged. One per WhatsApp message id.
/// </summary>
public sealed class VoiceNote
{
    private VoiceNote()
    {
        // For EF Core.
        MessageId = string.Empty;
        SenderWaId = string.Empty;
        MediaId = string.Empty;
    }

    public Guid Id { get; private set; }

    /// <summary>WhatsApp's message id (<c>wamid.…</c>); unique.</summary>
    public string MessageId { get; private set; }

    /// <summary>The sender's <c>wa_id</c> (digits), to answer them.</summary>
    public string SenderWaId { get; private set; }

    public Guid? ProfileId { get; private set; }

    /// <summary>The business number the note was sent to (<c>metadata.phone_number_id</c>), to answer from it.</summary>
    public string? BusinessPhoneNumberId { get; private set; }

    /// <summary>The media id to fetch (<c>GET /{media-id}</c>, then its short-lived URL).</summary>
    public string MediaId { get; private set; }

    /// <summary>The media's type as the webhook gave it, such as <c>audio/ogg; codecs=opus</c>.</summary>
    public string? MimeType { get; private set; }

    /// <summary>Recorded with WhatsApp's voice recorder (<c>audio.voice</c>), rather than a forwarded audio file.</summary>
    public bool IsVoice { get; private set; }

    public VoiceNoteStatus Status { get; private set; }

    /// <summary>When the user sent it (the message's <c>timestamp</c>); it opens WhatsApp's 24-hour reply window.</summary>
    public DateTimeOffset? SentAt { get; private set; }

    public DateTimeOffset ReceivedAt { get; private set; }

    public static VoiceNote Receive(
        string messageId,
        string senderWaId,
        Guid? profileId,
        string? businessPhoneNumberId,
        string mediaId,
        string? mimeType,
        bool isVoice,
        DateTimeOffset? sentAt,
        DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(messageId) || string.IsNullOrWhiteSpace(senderWaId) || string.IsNullOrWhiteSpace(mediaId))
        {
            throw new DomainException("A voice note needs its message id, its sender and its media id.");
        }

        return new VoiceNote
        {
            Id = Guid.CreateVersion7(now),
            MessageId = messageId,
            SenderWaId = senderWaId,
            ProfileId = profileId,
            BusinessPhoneNumberId = string.IsNullOrWhiteSpace(businessPhoneNumberId) ? null : businessPhoneNumberId,
            MediaId = mediaId,
            MimeType = string.IsNullOrWhiteSpace(mimeType) ? null : mimeType.Trim(),
            IsVoice = isVoice,
            Status = VoiceNoteStatus.Pending,
            SentAt = sentAt,
            ReceivedAt = now,
        };
    }
}
