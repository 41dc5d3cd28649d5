using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Application.Features.Calls.RecordCallEnded;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.Calls.EndCall;

/// <summary>
/// Hangs a live call up at OpenAI for an operator, then records its end (<see cref="CallEndReason.AgentHangup"/>, the
/// service's side) through <see cref="RecordCallEndedCommand"/>, as the monitor does; the monitor, seeing the socket
/// close, finds the end recorded. The operator's act is kept among the call's activities.
/// </summary>
public sealed partial class EndCallHandler(ICallStore store, ICallControls controls, ISender sender, TimeProvider time, ILogger<EndCallHandler> logger)
    : ICommandHandler<EndCallCommand, EndCallOutcome>
{
    public async ValueTask<EndCallOutcome> Handle(EndCallCommand command, CancellationToken cancellationToken)
    {
        var call = await store.GetCallAsync(command.CallId, cancellationToken);
        if (call is not { IsLive: true })
        {
            return EndCallOutcome.NotLive;
        }

        var result = await controls.For(call.Runtime).HangupAsync(call.CallId, cancellationToken);
        var outcome = result.Succeeded ? EndCallOutcome.Ended : EndCallOutcome.Failed;
        var now = time.GetUtcNow();
        if (result.Succeeded)
        {
            await sender.Send(
                new RecordCallEndedCommand(call.CallId, CallEndReason.AgentHangup, now, Known: new KnownCall(call.AcceptedAt ?? call.ReceivedAt, call.Consent)),
                cancellationToken);
        }

        store.Add(CallActivity.Record(call.Id, CallActivityKind.Operator, "hangup", command.By is null ? StateNames.Of(outcome) : $"{StateNames.Of(outcome)} by {command.By}", now));
        await store.SaveChangesAsync(cancellationToken);
        Ended(logger, call.CallId, outcome);
        return outcome;
    }

    [LoggerMessage(EventId = 1205, EventName = "OPENAI_SIP_CALL_ENDED_BY_OPERATOR", Level = LogLevel.Information, Message = "An operator ended call {CallId}: {Outcome}")]
    private static partial void Ended(ILogger logger, OpenAiCallId callId, EndCallOutcome outcome);
}
