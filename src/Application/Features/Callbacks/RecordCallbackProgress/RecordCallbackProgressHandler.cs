using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Common.Metrics;
using EasyMo.Domain.Callbacks;
using EasyMo.Domain.Common;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.Callbacks.RecordCallbackProgress;

/// <summary>Records whether a placed call back was answered; returns whether it changed anything (a repeat does not).</summary>
public sealed class RecordCallbackProgressHandler(
    ICallbackStore callbacks, EasyMoMetrics metrics, TimeProvider time, ILogger<RecordCallbackProgressHandler> logger)
    : ICommandHandler<RecordCallbackProgressCommand, bool>
{
    public async ValueTask<bool> Handle(RecordCallbackProgressCommand command, CancellationToken cancellationToken)
    {
        var callback = await callbacks.FindBySessionAsync(command.SessionId, cancellationToken);
        if (callback is not { Status: CallbackStatus.Placed or CallbackStatus.Answered or CallbackStatus.NotAnswered })
        {
            return false;
        }

        var now = time.GetUtcNow();
        bool changed;
        if (command.Answered)
        {
            changed = callback.Status == CallbackStatus.Placed && callback.Answer(now);
        }
        else
        {
            // An answered call that later ends is answered; only a call that never connected is "not answered".
            changed = callback.Status == CallbackStatus.Placed && callback.Unanswered(command.Error, now);
        }

        if (!changed)
        {
            return false;
        }

        await callbacks.SaveChangesAsync(cancellationToken);
        metrics.Callback(StateNames.Of(callback.Status));
        if (command.Answered)
        {
            CallbackLog.Answered(logger, callback.Id, command.SessionId);
        }
        else
        {
            CallbackLog.NotAnswered(logger, callback.Id, command.SessionId, callback.Error);
        }

        return true;
    }
}
