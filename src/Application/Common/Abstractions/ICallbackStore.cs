using EasyMo.Domain.Callbacks;
using EasyMo.Domain.Calls;

namespace EasyMo.Application.Common.Abstractions;

/// <summary>Calls back in PostgreSQL: queued once per number, counted per day, and the calls they place.</summary>
public interface ICallbackStore
{
    /// <summary>
    /// Queues <paramref name="callback"/> unless the number has one open already (queued or being dialed) or has had
    /// <paramref name="maxPerDay"/> on that day; atomic, so concurrent offers for one number queue one.
    /// </summary>
    Task<CallbackOffer> OfferAsync(Callback callback, int maxPerDay, CancellationToken cancellationToken);

    /// <summary>The call back, tracked (its changes are saved by <see cref="SaveChangesAsync"/>).</summary>
    Task<Callback?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The call back that placed the GPT-Live session <paramref name="sessionId"/>, tracked.</summary>
    Task<Callback?> FindBySessionAsync(OpenAiCallId sessionId, CancellationToken cancellationToken);

    /// <summary>The latest calls back, newest first; <paramref name="status"/> filters (null: any).</summary>
    Task<IReadOnlyList<Callback>> ListAsync(CallbackStatus? status, int limit, CancellationToken cancellationToken);

    /// <summary>Adds the call a call back placed (saved with the call back's own change, in one transaction).</summary>
    void Add(Call call);

    Task SaveChangesAsync(CancellationToken cancellationToken);

    /// <summary>Saves; false when a call back changed in the database since it was read (the dialer took it, say): nothing saved.</summary>
    Task<bool> TrySaveChangesAsync(CancellationToken cancellationToken);
}

public enum CallbackOffer
{
    /// <summary>Queued now.</summary>
    Queued,

    /// <summary>The number already has one queued or being dialed: that one answers this call too.</summary>
    AlreadyOpen,

    /// <summary>The number had its day's calls back.</summary>
    LimitReached,
}

/// <summary>Places outbound calls (GPT-Live's <c>POST /v1/live/sessions</c> with the SIP transport).</summary>
public interface ICallDialer
{
    /// <summary>
    /// Asks OpenAI to call <paramref name="destination"/> through the configured trunk with <paramref name="session"/>.
    /// Sent at most once (retried only when the connection was never made): each request places a new call.
    /// </summary>
    Task<DialResult> DialAsync(Domain.Common.PhoneNumber destination, AgentSession session, CancellationToken cancellationToken);
}

public enum DialOutcome
{
    /// <summary>OpenAI created the session (2xx): the phone rings, or will.</summary>
    Placed,

    /// <summary>OpenAI refused the request (4xx): certainly no call.</summary>
    Refused,

    /// <summary><c>403 outbound_sip_not_enabled</c>: the organization cannot place calls.</summary>
    OutboundDisabled,

    /// <summary>429, or the connection was never made: certainly no call; may be tried later.</summary>
    TryLater,

    /// <summary>A timeout, a broken connection or a 5xx: a call may have been placed.</summary>
    InDoubt,
}

public sealed record DialResult(DialOutcome Outcome, OpenAiCallId? SessionId = null, int? HttpStatus = null, string? Error = null);
