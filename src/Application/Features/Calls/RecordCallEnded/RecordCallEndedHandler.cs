using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.Calls.RecordCallEnded;

/// <summary>
/// Records the end of an accepted call in one conditional statement (<see cref="ICallStore.TryEndAsync"/>): from what the
/// follower knows of the call when it says (<see cref="RecordCallEndedCommand.Known"/>), otherwise — or when the stored
/// call no longer matches it — from the stored call, read first. The first end stands.
/// </summary>
public sealed class RecordCallEndedHandler(ICallStore store, TimeProvider time, ILogger<RecordCallEndedHandler> logger)
    : ICommandHandler<RecordCallEndedCommand, RecordCallEndedResult>
{
    /// <summary>Reads of the stored call before giving up on a call whose consent keeps changing under the end.</summary>
    private const int MaxReads = 3;

    public async ValueTask<RecordCallEndedResult> Handle(RecordCallEndedCommand command, CancellationToken cancellationToken)
    {
        var at = command.EndedAt ?? time.GetUtcNow();
        var known = command.Known;
        for (var reads = 0; ; reads++)
        {
            if (known is not null)
            {
                var end = CallEnd.Of(known.AcceptedAt, known.Consent, at, command.Reason, command.VoiceSeconds, command.Quality);
                if (await store.TryEndAsync(command.CallId, known.Consent, end, cancellationToken))
                {
                    CallLog.Ended(logger, command.CallId, end.DurationSeconds, command.Reason);
                    return RecordCallEndedResult.Ended;
                }
            }

            if (reads == MaxReads)
            {
                throw new InvalidOperationException($"The end of call {command.CallId} could not be recorded: the stored call kept changing.");
            }

            // Not known, or the stored call changed (the consent was answered elsewhere, or the call ended): read it.
            var call = await store.GetCallAsync(command.CallId, cancellationToken);
            switch (call?.Status)
            {
                case null:
                    return RecordCallEndedResult.UnknownCall;
                case CallStatus.Ended:
                    return RecordCallEndedResult.AlreadyEnded;
                case not CallStatus.Accepted:
                    return RecordCallEndedResult.NotAccepted;
            }

            known = new KnownCall(call.AcceptedAt ?? call.ReceivedAt, call.Consent);
        }
    }
}
