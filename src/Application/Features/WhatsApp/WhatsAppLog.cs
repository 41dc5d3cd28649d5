using EasyMo.Domain.Calls;
using EasyMo.Domain.Messaging;
using EasyMo.Domain.WhatsApp;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.WhatsApp;

/// <summary>
/// What the WhatsApp channel logs. WhatsApp users' numbers arrive here masked (<see cref="Domain.WhatsApp.WaId.Masked"/>); nothing
/// here takes a secret, a message's text, an SDP or a raw body.
/// </summary>
public static partial class WhatsAppLog
{
    [LoggerMessage(EventId = 1510, EventName = "WA_CALL_CONNECTED", Level = LogLevel.Information,
        Message = "WhatsApp call {WhatsAppCallId} connect ({Direction}) with {User}; now {Status}")]
    public static partial void CallConnected(ILogger logger, string whatsAppCallId, WhatsAppCallDirection? direction, string user, WhatsAppCallStatus status);

    [LoggerMessage(EventId = 1511, EventName = "WA_CALL_TERMINATED", Level = LogLevel.Information,
        Message = "WhatsApp call {WhatsAppCallId} terminated {TerminationStatus} after {DurationSeconds} s, errors [{ErrorCodes}]")]
    public static partial void CallTerminated(ILogger logger, string whatsAppCallId, string? terminationStatus, int? durationSeconds, string errorCodes);

    [LoggerMessage(EventId = 1512, EventName = "WA_CALL_STATUS", Level = LogLevel.Information,
        Message = "WhatsApp call {WhatsAppCallId} status {CallStatus}; record {Status}")]
    public static partial void CallStatus(ILogger logger, string whatsAppCallId, string callStatus, WhatsAppCallStatus? status);

    [LoggerMessage(EventId = 1513, EventName = "WA_CALL_LINKED", Level = LogLevel.Information,
        Message = "WhatsApp call {WhatsAppCallId} is OpenAI call {CallId}")]
    public static partial void CallLinked(ILogger logger, string whatsAppCallId, OpenAiCallId callId);

    [LoggerMessage(EventId = 1520, EventName = "WA_MESSAGE_RECEIVED", Level = LogLevel.Information,
        Message = "WhatsApp message {MessageId} ({MessageType}) from {Sender}")]
    public static partial void MessageReceived(ILogger logger, string messageId, string messageType, string sender);

    [LoggerMessage(EventId = 1521, EventName = "WA_VOICE_NOTE_QUEUED", Level = LogLevel.Information,
        Message = "Voice note {MessageId} from {Sender} is pending ({MimeType})")]
    public static partial void VoiceNoteQueued(ILogger logger, string messageId, string sender, string? mimeType);

    [LoggerMessage(EventId = 1522, EventName = "WA_MESSAGE_STATUS", Level = LogLevel.Debug,
        Message = "WhatsApp message {MessageId} status {MessageStatus}")]
    public static partial void MessageStatus(ILogger logger, string messageId, string messageStatus);

    [LoggerMessage(EventId = 1523, EventName = "WA_MESSAGE_DELIVERY", Level = LogLevel.Information,
        Message = "Outbox message {OutboxMessageId} ({MessageId}) status {MessageStatus}: applied {Applied}, now {DeliveryStatus}")]
    public static partial void OutboxDelivery(ILogger logger, Guid outboxMessageId, string messageId, string messageStatus, bool applied, OutboxDeliveryStatus? deliveryStatus);

    [LoggerMessage(EventId = 1530, EventName = "WA_PROFILE_UPDATED", Level = LogLevel.Information,
        Message = "Profile {ProfileId} of {User} updated from WhatsApp")]
    public static partial void ProfileUpdated(ILogger logger, Guid profileId, string user);

    [LoggerMessage(EventId = 1540, EventName = "WA_EVENT_DUPLICATE", Level = LogLevel.Information,
        Message = "WhatsApp {Kind} {EventKey} was seen before; nothing changes")]
    public static partial void Duplicate(ILogger logger, string kind, string eventKey);
}
