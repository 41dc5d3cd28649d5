namespace EasyMo.Domain.Calls;

/// <summary>Why a call is over, or why it was never answered.</summary>
public enum CallEndReason
{
    /// <summary>The caller hung up (the sideband socket closed).</summary>
    CallerHangup,

    /// <summary>The agent or an operator ended the call.</summary>
    AgentHangup,

    /// <summary>The call was handed to a human.</summary>
    Transferred,

    /// <summary>The call reached its maximum duration.</summary>
    MaxDuration,

    /// <summary>Nobody spoke for too long.</summary>
    IdleTimeout,

    /// <summary>The connection to the call was lost.</summary>
    ConnectionLost,

    /// <summary>OpenAI reported the end of the call.</summary>
    RemoteEnded,

    /// <summary>Rejected: the caller is blocked.</summary>
    Blocked,

    /// <summary>Rejected: more live calls than the configured ceiling.</summary>
    Busy,

    /// <summary>Rejected: the caller's number is not attested by the SIP edge and unverified callers are refused.</summary>
    Unverified,

    /// <summary>Missed: the caller was gone before the call could be accepted.</summary>
    CallerGone,

    /// <summary>Failed: OpenAI did not accept the call within the retry budget.</summary>
    AcceptFailed,

    /// <summary>
    /// Not ours to answer: OpenAI said <c>decision_already_made</c> to this service's first accept, so the call was accepted
    /// or rejected elsewhere (the other runtime's surface, another deployment).
    /// </summary>
    DecidedElsewhere,

    /// <summary>A safety filter ended the call (GPT-Live's <c>session.closed</c> reason <c>content</c>).</summary>
    ContentFiltered,

    /// <summary>A call back rang and nobody picked up (GPT-Live's <c>transport.failed</c>, or the ring time ran out).</summary>
    NotAnswered,
}
