using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Features.Calls;
using Mediator;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Features.Stats.GetCallStats;

/// <summary>
/// The figures come from the database; this only fixes the days and turns counts into rates. The answer rate is answered
/// calls (accepted, or ended after being accepted) over decided ones (anything but ringing); the fallback rate is calls
/// whose WhatsApp text fallback was queued over all calls. Both are 0 when there is nothing to divide by.
/// </summary>
public sealed class GetCallStatsHandler(IAdminQueries queries, IAnalysisStats analyses, TimeProvider time, IOptions<CallPricingOptions> pricing) : IQueryHandler<GetCallStatsQuery, CallStatsReport>
{
    public async ValueTask<CallStatsReport> Handle(GetCallStatsQuery query, CancellationToken cancellationToken)
    {
        GetCallStatsQuery.TryParseDays(query.Days, out var days);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var firstDay = today.AddDays(1 - days);
        var stats = await queries.GetCallStatsAsync(firstDay, today, cancellationToken);
        var analysis = await analyses.GetAsync(firstDay, today, cancellationToken);
        var costByDay = Costs(stats.VoiceUse ?? []);
        return new CallStatsReport(
            days,
            new DateTimeOffset(firstDay, TimeOnly.MinValue, TimeSpan.Zero),
            new DateTimeOffset(today.AddDays(1), TimeOnly.MinValue, TimeSpan.Zero),
            stats.Total,
            stats.ByDay,
            stats.ByStatus,
            stats.ByLanguage,
            stats.ByChannel,
            stats.ByIdentity,
            stats.Decided == 0 ? 0 : (double)stats.Answered / stats.Decided,
            stats.Total == 0 ? 0 : (double)stats.FallbacksQueued / stats.Total,
            stats.MeanDurationSeconds,
            stats.P90DurationSeconds,
            stats.DurationHistogram,
            stats.LiveNow,
            costByDay.Sum(day => day.CostUsd),
            costByDay,
            stats.Waits ?? [],
            analysis);
    }

    /// <summary>Each day's voice at the configured prices (per second: seconds × price per minute / 60).</summary>
    private DayCost[] Costs(IReadOnlyList<VoiceUse> uses) =>
    [
        .. uses.GroupBy(use => use.Date).OrderBy(day => day.Key).Select(day =>
        {
            var priced = day.Select(use => (use.Seconds, Cost: pricing.Value.Cost(use.Runtime, use.Model, use.Seconds))).ToArray();
            return new DayCost(day.Key, priced.Sum(use => use.Seconds), priced.Sum(use => use.Cost ?? 0), priced.Where(use => use.Cost is null).Sum(use => use.Seconds));
        }),
    ];
}
