using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Features.Calls.TransferCall;

public sealed partial class TransferCallHandler(
    ICallStore store,
    ICallControls controls,
    IOptions<CallHandlingOptions> options,
    TimeProvider time,
    ILogger<TransferCallHandler> logger)
    : ICommandHandler<TransferCallCommand, TransferOutcome>
{
    public async ValueTask<TransferOutcome> Handle(TransferCallCommand command, CancellationToken cancellationToken)
    {
        var call = await store.FindCallAsync(command.CallId, cancellationToken);
        if (call is not { IsLive: true })
        {
            return TransferOutcome.NotLive;
        }

        var (kind, name) = command.Trigger switch
        {
            TransferTrigger.KeyPress => (CallActivityKind.KeyPress, "0"),
            TransferTrigger.Operator => (CallActivityKind.Operator, "transfer"),
            _ => (CallActivityKind.ToolCall, AgentTools.TransferToHuman),
        };
        var target = FindTarget(call);
        TransferOutcome outcome;
        if (target is null)
        {
            outcome = TransferOutcome.NoTarget;
        }
        else
        {
            var referred = await controls.For(call.Runtime).ReferAsync(call.CallId, target, cancellationToken);
            outcome = referred.Succeeded ? TransferOutcome.Transferring : TransferOutcome.Failed;
            if (referred.Succeeded)
            {
                call.Transfer(target);
                store.Add(CallActivity.Record(call.Id, CallActivityKind.Transfer, "refer", target, time.GetUtcNow()));
            }
        }

        store.Add(CallActivity.Record(call.Id, kind, name, command.By is null ? StateNames.Of(outcome) : $"{StateNames.Of(outcome)} by {command.By}", time.GetUtcNow()));
        await store.SaveChangesAsync(cancellationToken);
        Transferred(logger, call.CallId, command.Trigger, outcome);
        return outcome;
    }

    private string? FindTarget(Call call)
    {
        var targets = options.Value.TransferTargets;
        var channel = call.Channel.Name();
        string[] keys = [$"{call.Language.Code}-{channel}", call.Language.Code, channel, "default"];
        return keys.Select(key => targets.TryGetValue(key, out var target) ? target : null).FirstOrDefault(target => !string.IsNullOrWhiteSpace(target));
    }


    [LoggerMessage(EventId = 1200, EventName = "OPENAI_SIP_CALL_TRANSFER", Level = LogLevel.Information,
        Message = "Transfer of call {CallId} ({Trigger}): {Outcome}")]
    private static partial void Transferred(ILogger logger, OpenAiCallId callId, TransferTrigger trigger, TransferOutcome outcome);
}
