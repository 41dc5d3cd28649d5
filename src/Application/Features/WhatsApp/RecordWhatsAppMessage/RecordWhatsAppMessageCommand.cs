using EasyMo.Domain.WhatsApp;
using Mediator;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppMessage;

/// <summary>
/// A message a WhatsApp user sent (<c>messages[]</c> of the <c>messages</c> webhook). Its id is recorded once; the
/// sender's profile takes the contact's WhatsApp name; an audio message (<c>type:"audio"</c>) becomes a pending voice
/// note. The message's content is not part of it: of a text or button reply only whether it answers the consent
/// question (<paramref name="ConsentAnswer"/>: yes, no, or null when it is no such answer) is read.
/// </summary>
public sealed record RecordWhatsAppMessageCommand(
    string MessageId,
    WaId? SenderWaId,
    string Type,
    string? BusinessPhoneNumberId,
    DateTimeOffset? SentAt,
    string? ContactName,
    WhatsAppAudio? Audio,
    bool? ConsentAnswer = null)
    : ICommand<WhatsAppEventOutcome>;

/// <summary>The <c>audio</c> object of an audio message: what a worker needs to fetch it.</summary>
public sealed record WhatsAppAudio(string? MediaId, string? MimeType, bool IsVoice);
