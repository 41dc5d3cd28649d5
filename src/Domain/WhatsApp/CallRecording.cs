using EasyMo.Domain.Common;

namespace EasyMo.Domain.WhatsApp;

/// <summary>
/// A reference to a recording or a transcription WhatsApp made of a call (<c>call_recording_available</c>,
/// <c>call_transcription_available</c>): ids and URLs only, never the media or the text. Kept only when the caller
/// consented; purged with the other content after the retention period.
/// </summary>
public sealed class CallRecording
{
    public const int MaxReferenceLength = 4000;

    private CallRecording()
    {
        // For EF Core.
        WhatsAppCallId = string.Empty;
        Kind = string.Empty;
        Reference = string.Empty;
    }

    public Guid Id { get; private set; }

    /// <summary>WhatsApp's call id (<c>wacid.…</c>).</summary>
    public string WhatsAppCallId { get; private set; }

    /// <summary><c>recording</c> or <c>transcription</c>.</summary>
    public string Kind { get; private set; }

    public Guid? ProfileId { get; private set; }

    /// <summary>What identifies the media at Meta (ids, URLs), as JSON; never the media itself.</summary>
    public string Reference { get; private set; }

    public DateTimeOffset ReceivedAt { get; private set; }

    public static CallRecording Keep(string whatsAppCallId, string kind, Guid? profileId, string reference, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(whatsAppCallId) || kind is not ("recording" or "transcription"))
        {
            throw new DomainException("A call recording needs WhatsApp's call id and a kind (recording or transcription).");
        }

        if (string.IsNullOrWhiteSpace(reference) || reference.Length > MaxReferenceLength)
        {
            throw new DomainException($"A call recording's reference is 1 to {MaxReferenceLength} characters.");
        }

        return new CallRecording
        {
            Id = Guid.CreateVersion7(now),
            WhatsAppCallId = whatsAppCallId,
            Kind = kind,
            ProfileId = profileId,
            Reference = reference,
            ReceivedAt = now,
        };
    }
}
