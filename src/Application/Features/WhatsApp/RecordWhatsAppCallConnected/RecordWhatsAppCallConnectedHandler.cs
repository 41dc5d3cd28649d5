using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.WhatsApp;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppCallConnected;

public sealed class RecordWhatsAppCallConnectedHandler(IWhatsAppStore store, TimeProvider time, ILogger<RecordWhatsAppCallConnectedHandler> logger)
    : ICommandHandler<RecordWhatsAppCallConnectedCommand, WhatsAppEventOutcome>
{
    public const string Kind = "call_connect";

    public async ValueTask<WhatsAppEventOutcome> Handle(RecordWhatsAppCallConnectedCommand command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var connectedAt = command.ConnectedAt ?? now;
        var parties = WhatsAppCallEvents.Parties(command.Direction, command.UserWaId, command.BusinessPhoneNumberId);
        var call = await WhatsAppCallEvents.RecordAsync(
            store,
            WhatsAppIds.CallEventKey(command.WhatsAppCallId, "connect"),
            Kind,
            command.WhatsAppCallId,
            command.UserWaId,
            command.ContactName,
            now,
            () => WhatsAppCall.FromConnect(command.WhatsAppCallId, parties, connectedAt, now),
            existing => existing.RecordConnect(parties, connectedAt, now),
            logger,
            cancellationToken);
        if (call is null)
        {
            return WhatsAppEventOutcome.Duplicate;
        }

        WhatsAppLog.CallConnected(logger, call.WhatsAppCallId, call.Direction, WaId.Mask(call.UserWaId), call.Status);
        return WhatsAppEventOutcome.Recorded;
    }
}
