using Mediator;

namespace EasyMo.Application.Features.Callbacks.CancelCallback;

/// <summary>An operator stops a queued call back.</summary>
public sealed record CancelCallbackCommand(Guid Id) : ICommand<CancelCallbackResult>;

public sealed record CancelCallbackResult(CancelCallbackOutcome Outcome, CallbackItem? Callback = null);

public enum CancelCallbackOutcome
{
    Cancelled,

    NotFound,

    /// <summary>It left the queue already (dialed, settled, or cancelled before): nothing to stop.</summary>
    NotQueued,
}
