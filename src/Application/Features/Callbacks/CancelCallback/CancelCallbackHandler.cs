using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Common.Metrics;
using EasyMo.Domain.Callbacks;
using EasyMo.Domain.Common;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.Callbacks.CancelCallback;

/// <summary>
/// Cancels a queued call back. The dialer takes a call back out of the queue in a statement of its own, so the two
/// cannot both win: the save fails on the row's concurrency token when the dialer moved it first (then: not queued).
/// </summary>
public sealed class CancelCallbackHandler(ICallbackStore callbacks, EasyMoMetrics metrics, TimeProvider time, ILogger<CancelCallbackHandler> logger)
    : ICommandHandler<CancelCallbackCommand, CancelCallbackResult>
{
    public async ValueTask<CancelCallbackResult> Handle(CancelCallbackCommand command, CancellationToken cancellationToken)
    {
        var callback = await callbacks.FindAsync(command.Id, cancellationToken);
        if (callback is null)
        {
            return new CancelCallbackResult(CancelCallbackOutcome.NotFound);
        }

        if (!callback.IsOpen)
        {
            return new CancelCallbackResult(CancelCallbackOutcome.NotQueued, CallbackItem.From(callback));
        }

        callback.Cancel(time.GetUtcNow());
        if (!await callbacks.TrySaveChangesAsync(cancellationToken))
        {
            return new CancelCallbackResult(CancelCallbackOutcome.NotQueued, (await callbacks.FindAsync(command.Id, cancellationToken)) is { } moved ? CallbackItem.From(moved) : null);
        }

        metrics.Callback(StateNames.Of(CallbackStatus.Cancelled));
        CallbackLog.Cancelled(logger, callback.Id);
        return new CancelCallbackResult(CancelCallbackOutcome.Cancelled, CallbackItem.From(callback));
    }
}
