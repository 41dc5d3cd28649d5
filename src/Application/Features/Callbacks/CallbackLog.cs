using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Callbacks;
using EasyMo.Domain.Calls;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.Callbacks;

/// <summary>What happens to calls back. Numbers arrive masked; the trunk's credentials never come here.</summary>
public static partial class CallbackLog
{
    [LoggerMessage(EventId = 1801, EventName = "CALLBACK_OFFERED", Level = LogLevel.Information,
        Message = "Call {CallId} from {Caller} was not answered ({Reason}): call back {Offer}")]
    public static partial void Offered(ILogger logger, OpenAiCallId callId, string caller, CallbackReason reason, CallbackOffer offer);

    [LoggerMessage(EventId = 1802, EventName = "CALLBACK_PLACED", Level = LogLevel.Information,
        Message = "Call back {CallbackId} to {Phone} placed as session {SessionId}")]
    public static partial void Placed(ILogger logger, Guid callbackId, string phone, OpenAiCallId sessionId);

    [LoggerMessage(EventId = 1803, EventName = "CALLBACK_NOT_PLACED", Level = LogLevel.Warning,
        Message = "Call back {CallbackId} to {Phone} was not placed: {Status} (HTTP {HttpStatus}, {Error})")]
    public static partial void NotPlaced(ILogger logger, Guid callbackId, string phone, CallbackStatus status, int? httpStatus, string? error);

    [LoggerMessage(EventId = 1804, EventName = "CALLBACK_ANSWERED", Level = LogLevel.Information,
        Message = "Call back {CallbackId} (session {SessionId}) was answered")]
    public static partial void Answered(ILogger logger, Guid callbackId, OpenAiCallId sessionId);

    [LoggerMessage(EventId = 1805, EventName = "CALLBACK_NOT_ANSWERED", Level = LogLevel.Information,
        Message = "Call back {CallbackId} (session {SessionId}) was not answered ({Error})")]
    public static partial void NotAnswered(ILogger logger, Guid callbackId, OpenAiCallId sessionId, string? error);

    [LoggerMessage(EventId = 1806, EventName = "CALLBACK_REQUESTED", Level = LogLevel.Information,
        Message = "An operator ({RequestedBy}) asked for a call back to {Phone}: {Offer}")]
    public static partial void Requested(ILogger logger, string requestedBy, string phone, CallbackOffer offer);

    [LoggerMessage(EventId = 1807, EventName = "CALLBACK_CANCELLED", Level = LogLevel.Information,
        Message = "Call back {CallbackId} was cancelled")]
    public static partial void Cancelled(ILogger logger, Guid callbackId);
}
