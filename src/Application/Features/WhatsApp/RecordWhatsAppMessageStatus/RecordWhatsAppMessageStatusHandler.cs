using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.WhatsApp;
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
        await using var claim = await store.ClaimEventAsync(key, Kind, time.GetUtcNow(), cancellationToken);
        if (claim is null)
        {
            WhatsAppLog.Duplicate(logger, Kind, key);
            return WhatsAppEventOutcome.Duplicate;
        }

        await claim.CommitAsync(cancellationToken);
        WhatsAppLog.MessageStatus(logger, command.MessageId, command.Status);
        return WhatsAppEventOutcome.Recorded;
    }
}
