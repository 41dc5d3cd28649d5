using EasyMo.Domain.Calls;

namespace EasyMo.Application.Features.Stats.GetCallStats;

/// <summary>
/// What the database computes for a range of UTC days (<see cref="Common.Abstractions.IAdminQueries.GetCallStatsAsync"/>).
/// Count maps hold every known key, zero included.
/// </summary>
public sealed record CallStats(
    int Total,
    IReadOnlyList<DayCount> ByDay,
    IReadOnlyDictionary<string, int> ByStatus,
    IReadOnlyDictionary<string, int> ByLanguage,
    IReadOnlyDictionary<string, int> ByChannel,
    IReadOnlyDictionary<string, int> ByIdentity,
    int Answered,
    int Decided,
    int FallbacksQueued,
    double? MeanDurationSeconds,
    double? P90DurationSeconds,
    IReadOnlyList<DurationBucket> DurationHistogram,
    int LiveNow,
    IReadOnlyList<VoiceUse>? VoiceUse = null,
    IReadOnlyList<DayWaits>? Waits = null);

/// <summary>
/// One UTC day's caller waits: the calls followed to their end and measured, their turns, and the 95th percentile over
/// those calls of each call's p95 turn wait (ms; null: nothing measured).
/// </summary>
public sealed record DayWaits(DateOnly Date, int Calls, int Turns, int? TurnWaitP95Ms);

/// <summary>
/// The voice seconds of a day's ended calls on one runtime and model: GPT-Live's counted seconds, or else the calls'
/// durations.
/// </summary>
public sealed record VoiceUse(DateOnly Date, VoiceRuntime Runtime, string? Model, long Seconds);

/// <summary>
/// One UTC day's voice and what it cost at the configured prices; <see cref="UnpricedSeconds"/> are the seconds of runtimes
/// and models without a price (not in <see cref="CostUsd"/>).
/// </summary>
public sealed record DayCost(DateOnly Date, long VoiceSeconds, decimal CostUsd, long UnpricedSeconds);

/// <summary>One UTC calendar day: its calls, by status.</summary>
public sealed record DayCount(DateOnly Date, int Total, IReadOnlyDictionary<string, int> ByStatus);

/// <summary>
/// Ended calls whose duration is above the previous bucket's bound and at most <see cref="UpToSeconds"/>; the last
/// bucket (<c>null</c>) holds the longer ones.
/// </summary>
public sealed record DurationBucket(int? UpToSeconds, int Count);

/// <summary>The answer of <c>GET /api/stats/calls</c>: <c>from</c> is the first day's midnight, <c>to</c> the end (exclusive).</summary>
public sealed record CallStatsReport(
    int Days,
    DateTimeOffset From,
    DateTimeOffset To,
    int Total,
    IReadOnlyList<DayCount> ByDay,
    IReadOnlyDictionary<string, int> ByStatus,
    IReadOnlyDictionary<string, int> ByLanguage,
    IReadOnlyDictionary<string, int> ByChannel,
    IReadOnlyDictionary<string, int> ByIdentity,
    double AnswerRate,
    double FallbackRate,
    double? MeanDurationSeconds,
    double? P90DurationSeconds,
    IReadOnlyList<DurationBucket> DurationHistogram,
    int LiveNow,
    decimal CostUsd = 0,
    IReadOnlyList<DayCost>? CostByDay = null,
    IReadOnlyList<DayWaits>? WaitsByDay = null,
    AnalysisFigures? Analysis = null);
