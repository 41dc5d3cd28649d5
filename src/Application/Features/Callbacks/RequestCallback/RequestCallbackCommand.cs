using Mediator;

namespace EasyMo.Application.Features.Callbacks.RequestCallback;

/// <summary>An operator asks for a call back to <paramref name="Phone"/> (E.164, with or without '+').</summary>
public sealed record RequestCallbackCommand(string Phone, string RequestedBy = "operator") : ICommand<RequestCallbackResult>;

public sealed record RequestCallbackResult(RequestCallbackOutcome Outcome, CallbackItem? Callback = null);

public enum RequestCallbackOutcome
{
    Queued,

    /// <summary>The number has one queued or being dialed already.</summary>
    AlreadyOpen,

    /// <summary>The number had its day's calls back.</summary>
    LimitReached,

    /// <summary>Calls back are off (not configured, or OpenAI refused outbound calling).</summary>
    Off,

    /// <summary>The number's profile is blocked.</summary>
    Blocked,
}
