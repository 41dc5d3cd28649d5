using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.Calls.RecordCallEnded;

public sealed class RecordCallEndedHandler(ICallStore store, TimeProvider time, ILogger<RecordCallEndedHandler> logger)
    : ICommandHandler<RecordCallEndedCommand, RecordCallEndedResult>
{
    public async ValueTask<RecordCallEndedResult> Handle(RecordCallEndedCommand command, CancellationToken cancellationToken)
    {
        var call = await store.FindCallAsync(command.CallId, cancellationToken);
        if (call is null)
        {
            return RecordCallEndedResult.UnknownCall;
        }

        switch (call.Status)
        {
            case CallStatus.Ended:
                return RecordCallEndedResult.AlreadyEnded;
            case not CallStatus.Accepted:
                return RecordCallEndedResult.NotAccepted;
        }

        call.End(command.EndedAt ?? time.GetUtcNow(), command.Reason, command.VoiceSeconds);
        await store.SaveChangesAsync(cancellationToken);
        CallLog.Ended(logger, call.CallId, call.DurationSeconds, command.Reason);
        return RecordCallEndedResult.Ended;
    }
}
