using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;

namespace EasyMo.Domain.Callbacks;

/// <summary>
/// A call back owed to a caller the service could not answer (every line busy, or an accept OpenAI did not take), or
/// one an operator asked for: queued → dialing → placed → answered or not answered; or failed, in doubt, cancelled,
/// expired. Placed through GPT-Live's outbound SIP calling, at most once (<see cref="CallbackStatus.Dialing"/>).
/// </summary>
public sealed class Callback
{
    private Callback()
    {
        // For EF Core.
        Phone = null!;
        Language = Language.English;
        TimeZone = string.Empty;
    }

    /// <summary>The longest error kept (OpenAI's code, or a few words; never a response body).</summary>
    public const int MaxErrorLength = 200;

    /// <summary>The longest name of who asked kept (an operator's label).</summary>
    public const int MaxRequestedByLength = 64;

    public Guid Id { get; private set; }

    /// <summary>The number to call: always one the SIP edge attested (or that an operator entered).</summary>
    public PhoneNumber Phone { get; private set; }

    public Guid? ProfileId { get; private set; }

    /// <summary>The language of the call that was missed: the call back speaks it.</summary>
    public Language Language { get; private set; }

    /// <summary>The caller's IANA time zone (by their number's country code): calling hours and the greeting's clock are theirs.</summary>
    public string TimeZone { get; private set; }

    public CallbackReason Reason { get; private set; }

    /// <summary>The refused call (OpenAI's id) this call back answers; null when an operator asked.</summary>
    public OpenAiCallId? OriginCallId { get; private set; }

    /// <summary>When the caller called (or the operator asked).</summary>
    public DateTimeOffset RequestedAt { get; private set; }

    /// <summary>The caller's own date when they called: the day the per-number limit counts in.</summary>
    public DateOnly LocalDay { get; private set; }

    public CallbackStatus Status { get; private set; }

    /// <summary>Not dialed before this (set back after OpenAI's 429).</summary>
    public DateTimeOffset DueAt { get; private set; }

    /// <summary>Still queued at this time: expired.</summary>
    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>When it left the queue to be dialed (the database's clock).</summary>
    public DateTimeOffset? DialedAt { get; private set; }

    /// <summary>GPT-Live's id of the outbound session (<c>live_…</c>): the placed call's <see cref="Call.CallId"/>.</summary>
    public OpenAiCallId? SessionId { get; private set; }

    /// <summary>When the outcome was known.</summary>
    public DateTimeOffset? SettledAt { get; private set; }

    /// <summary>What went wrong, in OpenAI's code or a few words.</summary>
    public string? Error { get; private set; }

    /// <summary>Who asked: <c>system</c>, or the operator's label.</summary>
    public string? RequestedBy { get; private set; }

    public static Callback Offer(
        PhoneNumber phone,
        Guid? profileId,
        Language language,
        TimeZoneInfo zone,
        CallbackReason reason,
        OpenAiCallId? originCallId,
        DateTimeOffset requestedAt,
        TimeSpan expireAfter,
        string? requestedBy = null)
    {
        ArgumentNullException.ThrowIfNull(phone);
        ArgumentNullException.ThrowIfNull(zone);
        if (expireAfter <= TimeSpan.Zero)
        {
            throw new DomainException("A call back must be allowed some time to be placed.");
        }

        return new Callback
        {
            Id = Guid.CreateVersion7(requestedAt),
            Phone = phone,
            ProfileId = profileId,
            Language = language,
            TimeZone = zone.Id,
            Reason = reason,
            OriginCallId = originCallId,
            RequestedAt = requestedAt,
            LocalDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(requestedAt, zone).DateTime),
            Status = CallbackStatus.Queued,
            DueAt = requestedAt,
            ExpiresAt = requestedAt + expireAfter,
            RequestedBy = UntrustedText.OneLine(requestedBy, MaxRequestedByLength) ?? "system",
        };
    }

    /// <summary>Whether it can still be stopped (it has not been dialed).</summary>
    public bool IsOpen => Status == CallbackStatus.Queued;

    /// <summary>OpenAI created the outbound session: the phone rings.</summary>
    public void Place(OpenAiCallId sessionId, DateTimeOffset at)
    {
        EnsureStatus(CallbackStatus.Dialing, "place");
        Status = CallbackStatus.Placed;
        SessionId = sessionId;
        SettledAt = at;
    }

    /// <summary>OpenAI refused to place it: certainly no call, and none will be tried.</summary>
    public void Fail(string error, DateTimeOffset at) => Settle(CallbackStatus.Dialing, CallbackStatus.Failed, error, at);

    /// <summary>No one knows whether a call was placed: never dialed again.</summary>
    public void Doubt(string error, DateTimeOffset at) => Settle(CallbackStatus.Dialing, CallbackStatus.InDoubt, error, at);

    /// <summary>OpenAI refused for now (rate limited): certainly no call; queued again, due at <paramref name="dueAt"/>.</summary>
    public void Requeue(string error, DateTimeOffset dueAt)
    {
        EnsureStatus(CallbackStatus.Dialing, "queue again");
        Status = CallbackStatus.Queued;
        DialedAt = null;
        DueAt = dueAt;
        Error = Clean(error);
    }

    /// <summary>The caller picked up. Repeating it changes nothing.</summary>
    public bool Answer(DateTimeOffset at)
    {
        if (Status == CallbackStatus.Answered)
        {
            return false;
        }

        EnsureStatus(CallbackStatus.Placed, "answer");
        Status = CallbackStatus.Answered;
        SettledAt = at;
        return true;
    }

    /// <summary>The placed call was not answered. Repeating it changes nothing.</summary>
    public bool Unanswered(string? error, DateTimeOffset at)
    {
        if (Status == CallbackStatus.NotAnswered)
        {
            return false;
        }

        Settle(CallbackStatus.Placed, CallbackStatus.NotAnswered, error, at);
        return true;
    }

    /// <summary>An operator stopped it. Only while queued: a call being dialed cannot be taken back.</summary>
    public void Cancel(DateTimeOffset at) => Settle(CallbackStatus.Queued, CallbackStatus.Cancelled, error: null, at);

    private void Settle(CallbackStatus from, CallbackStatus to, string? error, DateTimeOffset at)
    {
        EnsureStatus(from, StateNames.Of(to).Replace('_', ' '));
        Status = to;
        Error = Clean(error);
        SettledAt = at;
    }

    private static string? Clean(string? error) => UntrustedText.OneLine(error, MaxErrorLength);

    private void EnsureStatus(CallbackStatus expected, string action)
    {
        if (Status != expected)
        {
            throw new DomainException($"Cannot {action} a call back that is {StateNames.Of(Status)}.");
        }
    }
}
