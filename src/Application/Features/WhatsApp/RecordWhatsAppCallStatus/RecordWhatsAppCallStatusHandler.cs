using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.WhatsApp;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppCallStatus;

public sealed class RecordWhatsAppCallStatusHandler(IWhatsAppStore store, TimeProvider time, ILogger<RecordWhatsAppCallStatusHandler> logger)
    : ICommandHandler<RecordWhatsAppCallStatusCommand, WhatsAppEventOutcome>
{
    public const string Kind = "call_status";

    public async ValueTask<WhatsAppEventOutcome> Handle(RecordWhatsAppCallStatusCommand command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = WhatsAppIds.CallStatusKey(command.WhatsAppCallId, command.Status);
        if (Parse(command.Status) is not { } status)
        {
            // A status Meta may add later: deduplicated, but it tells the record nothing it understands.
            await using var claim = await store.ClaimEventAsync(key, Kind, now, cancellationToken);
            if (claim is null)
            {
                WhatsAppLog.Duplicate(logger, Kind, key);
                return WhatsAppEventOutcome.Duplicate;
            }

            await claim.CommitAsync(cancellationToken);
            WhatsAppLog.CallStatus(logger, command.WhatsAppCallId, command.Status, status: null);
            return WhatsAppEventOutcome.Recorded;
        }

        var parties = WhatsAppCallEvents.Parties(direction: null, command.UserWaId, command.BusinessPhoneNumberId);
        var call = await WhatsAppCallEvents.RecordAsync(
            store,
            key,
            Kind,
            command.WhatsAppCallId,
            command.UserWaId,
            command.ContactName,
            now,
            () => WhatsAppCall.FromStatus(command.WhatsAppCallId, status, parties, now),
            existing => existing.RecordStatus(status, parties, now),
            logger,
            cancellationToken);
        if (call is null)
        {
            return WhatsAppEventOutcome.Duplicate;
        }

        WhatsAppLog.CallStatus(logger, call.WhatsAppCallId, command.Status, call.Status);
        return WhatsAppEventOutcome.Recorded;
    }

    public static WhatsAppCallStatus? Parse(string status) => status.Trim().ToUpperInvariant() switch
    {
        "RINGING" => WhatsAppCallStatus.Ringing,
        "ACCEPTED" => WhatsAppCallStatus.Accepted,
        "REJECTED" => WhatsAppCallStatus.Rejected,
        _ => null,
    };
}
