using Mediator;

namespace EasyMo.Application.Features.Callbacks.PlaceCallback;

/// <summary>Place the call back <paramref name="CallbackId"/>, which the dialer took out of the queue (it is dialing).</summary>
public sealed record PlaceCallbackCommand(Guid CallbackId) : ICommand<PlaceCallbackResult>;

public enum PlaceCallbackResult
{
    /// <summary>The call rings; the monitor follows it.</summary>
    Placed,

    /// <summary>Not dialing (cancelled, placed, or taken by someone else): nothing was sent.</summary>
    NotDialing,

    /// <summary>OpenAI certainly did not place it; it will not be tried again.</summary>
    Failed,

    /// <summary>OpenAI was busy (429): queued again.</summary>
    Requeued,

    /// <summary>A call may or may not have been placed: never dialed again.</summary>
    InDoubt,
}
