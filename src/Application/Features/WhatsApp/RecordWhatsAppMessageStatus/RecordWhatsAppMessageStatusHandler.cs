using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Messaging;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppMessageStatus;

public sealed class RecordWhatsAppMessageStatusHandler(IWhatsAppStore store, TimeProvider time, ILogger<RecordWhatsAppMessageStatusHandler> logger)
    : ICommandHandler<RecordWhatsAppMessageStatusCommand, WhatsAppEventOutcome>
{
    public const string Kind = "message_status";

    public async ValueTask<WhatsAppEventOutcome> Handle(RecordWhatsAppMessageStatusCommand command, CancellationToken cancellationToken)
    {
        var key = WhatsAppIds.MessageStatusKey(command.MessageId, command.Status);
        var now = time.GetUtcNow();
        await using var claim = await store.ClaimEventAsync(key, Kind, now, cancellationToken);
        if (claim is null)
        {
            WhatsAppLog.Duplicate(logger, Kind, key);
            return WhatsAppEventOutcome.Duplicate;
        }

        if (DeliveryStatus(command.Status) is { } status
            && await claim.LockOutboxMessageAsync(command.MessageId, cancellationToken) is { } message)
        {
            var applied = message.ApplyDeliveryStatus(status, now);
            await claim.CommitAsync(cancellationToken);
            WhatsAppLog.OutboxDelivery(logger, message.Id, command.MessageId, command.Status, applied, message.DeliveryStatus);
            return WhatsAppEventOutcome.Recorded;
        }

        await claim.CommitAsync(cancellationToken);
        WhatsAppLog.MessageStatus(logger, command.MessageId, command.Status);
        return WhatsAppEventOutcome.Recorded;
    }

    /// <summary>The statuses an outbox message records; others (<c>deleted</c>, <c>warning</c>, …) are only deduplicated.</summary>
    private static OutboxDeliveryStatus? DeliveryStatus(string status) => status.ToLowerInvariant() switch
    {
        "sent" => OutboxDeliveryStatus.Sent,
        "delivered" => OutboxDeliveryStatus.Delivered,
        "read" => OutboxDeliveryStatus.Read,
        "failed" => OutboxDeliveryStatus.Failed,
        _ => null,
    };
}
