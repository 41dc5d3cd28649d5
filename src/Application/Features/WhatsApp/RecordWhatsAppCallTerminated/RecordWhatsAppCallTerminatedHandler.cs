using System.Globalization;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.WhatsApp;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppCallTerminated;

public sealed class RecordWhatsAppCallTerminatedHandler(IWhatsAppStore store, TimeProvider time, ILogger<RecordWhatsAppCallTerminatedHandler> logger)
    : ICommandHandler<RecordWhatsAppCallTerminatedCommand, WhatsAppEventOutcome>
{
    public const string Kind = "call_terminate";

    public async ValueTask<WhatsAppEventOutcome> Handle(RecordWhatsAppCallTerminatedCommand command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var parties = WhatsAppCallEvents.Parties(command.Direction, command.UserWaId, command.BusinessPhoneNumberId);
        var termination = new WhatsAppCallTermination(
            command.TerminatedAt ?? command.EndedAt ?? now,
            command.Status,
            command.StartedAt,
            command.EndedAt,
            command.DurationSeconds,
            command.ErrorCodes);
        var call = await WhatsAppCallEvents.RecordAsync(
            store,
            WhatsAppIds.CallEventKey(command.WhatsAppCallId, "terminate"),
            Kind,
            command.WhatsAppCallId,
            command.UserWaId,
            command.ContactName,
            now,
            () => WhatsAppCall.FromTermination(command.WhatsAppCallId, parties, termination, now),
            existing => existing.RecordTermination(parties, termination, now),
            logger,
            cancellationToken);
        if (call is null)
        {
            return WhatsAppEventOutcome.Duplicate;
        }

        WhatsAppLog.CallTerminated(logger, call.WhatsAppCallId, call.TerminationStatus, call.DurationSeconds,
            string.Join(',', call.ErrorCodes.Select(code => code.ToString(CultureInfo.InvariantCulture))));
        return WhatsAppEventOutcome.Recorded;
    }
}
