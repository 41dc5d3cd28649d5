namespace EasyMo.Domain.Callbacks;

/// <summary>
/// Where a call back stands. Dialing is at most once: a callback leaves <see cref="Queued"/> for <see cref="Dialing"/>
/// (committed) before OpenAI is asked to place the call, and nothing ever dials a callback that left <see cref="Queued"/>.
/// </summary>
public enum CallbackStatus
{
    /// <summary>Waiting for a free line inside the caller's calling hours.</summary>
    Queued,

    /// <summary>OpenAI is being asked to place the call (or was, by an instance that has not said how it went).</summary>
    Dialing,

    /// <summary>OpenAI created the session: the phone rings.</summary>
    Placed,

    /// <summary>The caller picked up; the call is followed like an incoming one.</summary>
    Answered,

    /// <summary>The call was placed but not answered (no answer, busy, rejected, or the ring time ran out).</summary>
    NotAnswered,

    /// <summary>OpenAI certainly did not place the call (it refused the request); not tried again.</summary>
    Failed,

    /// <summary>
    /// Nobody knows whether a call was placed (a timeout, a broken connection, a 5xx, an instance that died while dialing):
    /// never dialed again, since a second request would place a second call.
    /// </summary>
    InDoubt,

    /// <summary>An operator cancelled it before it was dialed.</summary>
    Cancelled,

    /// <summary>No line or no calling hour came before it expired.</summary>
    Expired,
}
