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
        MediaId = string.Empty;
    }

    public Guid Id { get; private set; }

    /// <summary>WhatsApp's message id (<c>wamid.…</c>); unique.</summary>
    public string MessageId { get; private set; }

    /// <summary>The sender's <c>wa_id</c> (digits), to answer them.</summary>
    public WaId SenderWaId { get; private set; }

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

    /// <summary>How many times the worker tried to process it (downloads, transcriptions and replies that failed included).</summary>
    public int Attempts { get; private set; }

    /// <summary>When the next attempt is due; while a worker holds the note, the end of its lease.</summary>
    public DateTimeOffset NextAttemptAt { get; private set; }

    /// <summary>What the user said, once transcribed; kept so a retry does not transcribe again. Never logged.</summary>
    public string? Transcript { get; private set; }

    /// <summary>The text queued as the answer (or the polite refusal). Never logged.</summary>
    public string? ReplyText { get; private set; }

    /// <summary>The language the reply is written in.</summary>
    public Language? ReplyLanguage { get; private set; }

    /// <summary>Why the last attempt failed or the note was rejected, in a few words (never the note's content).</summary>
    public string? LastError { get; private set; }

    /// <summary>When the note was answered, rejected or given up.</summary>
    public DateTimeOffset? CompletedAt { get; private set; }

    public DateTimeOffset? UpdatedAt { get; private set; }

    public const int MaxMimeTypeLength = 128;

    public static VoiceNote Receive(
        string messageId,
        WaId senderWaId,
        Guid? profileId,
        string? businessPhoneNumberId,
        string mediaId,
        string? mimeType,
        bool isVoice,
        DateTimeOffset? sentAt,
        DateTimeOffset now,
        bool awaitingConsent = false)
    {
        if (string.IsNullOrWhiteSpace(messageId) || senderWaId.Value is null || string.IsNullOrWhiteSpace(mediaId))
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
            MimeType = UntrustedText.OneLine(mimeType, MaxMimeTypeLength),
            IsVoice = isVoice,
            Status = awaitingConsent ? VoiceNoteStatus.AwaitingConsent : VoiceNoteStatus.Pending,
            SentAt = sentAt,
            ReceivedAt = now,
            NextAttemptAt = now,
        };
    }

    /// <summary>The sender agreed that their voice notes may be kept: the note is handed to the worker now.</summary>
    public void ConsentGiven(DateTimeOffset now)
    {
        if (Status != VoiceNoteStatus.AwaitingConsent)
        {
            return;
        }

        Status = VoiceNoteStatus.Pending;
        NextAttemptAt = now;
        UpdatedAt = now;
    }

    /// <summary>
    /// A worker takes the note until <paramref name="leaseUntil"/>: no other worker takes it before then, and if the
    /// worker dies the note is taken again once the lease has run out.
    /// </summary>
    public void Claim(DateTimeOffset leaseUntil, DateTimeOffset now)
    {
        EnsurePending();
        if (leaseUntil <= now)
        {
            throw new DomainException("A lease must end in the future.");
        }

        NextAttemptAt = leaseUntil;
        UpdatedAt = now;
    }

    /// <summary>The audio was transcribed; kept so that a failed reply is retried without transcribing again.</summary>
    public void RecordTranscript(string transcript, DateTimeOffset now)
    {
        EnsurePending();
        ArgumentNullException.ThrowIfNull(transcript);
        Transcript = transcript.Trim();
        UpdatedAt = now;
    }

    /// <summary>The reply to the transcript is written and queued: the note is answered.</summary>
    public void Answer(string reply, Language language, DateTimeOffset now)
    {
        EnsurePending();
        if (Transcript is null)
        {
            throw new DomainException($"Voice note {Id} cannot be answered before it is transcribed.");
        }

        Complete(VoiceNoteStatus.Answered, reply, language, reason: null, now);
    }

    /// <summary>The note is not transcribed (<paramref name="reason"/>: too large, wrong type); the polite reply is queued.</summary>
    public void Reject(string reason, string reply, Language language, DateTimeOffset now)
    {
        EnsurePending();
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        Complete(VoiceNoteStatus.Rejected, reply, language, reason, now);
    }

    /// <summary>The attempt failed for a passing reason: tried again at <paramref name="nextAttemptAt"/>.</summary>
    public void RetryAt(DateTimeOffset nextAttemptAt, string reason, DateTimeOffset now)
    {
        EnsurePending();
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        Attempts++;
        NextAttemptAt = nextAttemptAt;
        LastError = reason;
        UpdatedAt = now;
    }

    /// <summary>The note cannot be processed (out of attempts): it is never tried again.</summary>
    public void Fail(string reason, DateTimeOffset now)
    {
        EnsurePending();
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        Attempts++;
        Status = VoiceNoteStatus.Failed;
        LastError = reason;
        CompletedAt = now;
        UpdatedAt = now;
    }

    private void Complete(VoiceNoteStatus status, string reply, Language language, string? reason, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reply);
        ArgumentNullException.ThrowIfNull(language);
        Attempts++;
        Status = status;
        ReplyText = reply.Trim();
        ReplyLanguage = language;
        LastError = reason;
        CompletedAt = now;
        UpdatedAt = now;
    }

    private void EnsurePending()
    {
        if (Status != VoiceNoteStatus.Pending)
        {
            throw new DomainException($"Voice note {Id} is {Status}, not pending.");
        }
    }
}
