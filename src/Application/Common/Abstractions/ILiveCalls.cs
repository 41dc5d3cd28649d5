namespace EasyMo.Application.Common.Abstractions;

/// <summary>
/// What happens on live calls, as the instance following each one sees it, for the operators' live view:
/// <c>started</c> (caller, language, start, consent), <c>turn</c> (speaker; the text only when the caller consented),
/// <c>wait</c> (a turn's wait measured, ms), <c>ended</c> (reason). Phone numbers are whole: the view masks them per role.
/// </summary>
public sealed record LiveCallEvent(
    string Kind,
    string CallId,
    DateTimeOffset At,
    string? Caller = null,
    string? Language = null,
    DateTimeOffset? StartedAt = null,
    bool? Consented = null,
    string? Speaker = null,
    string? Text = null,
    int? WaitMs = null,
    string? EndReason = null)
{
    public const string Started = "started";
    public const string Turn = "turn";
    public const string Wait = "wait";
    public const string Ended = "ended";
}

/// <summary>A call live now, as a new viewer starts from.</summary>
public sealed record LiveCall(string CallId, string? Caller, string Language, DateTimeOffset StartedAt, bool Consented);

/// <summary>The live calls of every instance: the list now, and their events as they happen.</summary>
public interface ILiveCalls
{
    Task<IReadOnlyList<LiveCall>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The events of every instance from now until <paramref name="cancellationToken"/> is cancelled; a <c>null</c> item
    /// when nothing happened for a while (a heartbeat). A watcher too slow to keep up loses the oldest events.
    /// </summary>
    IAsyncEnumerable<LiveCallEvent?> WatchAsync(CancellationToken cancellationToken);
}
