using EasyMo.Application.Features.Stats.GetCallStats;

namespace EasyMo.Application.Common.Abstractions;

/// <summary>The post-call analyses' figures (resolution by day and by service, sentiment), computed by the database.</summary>
public interface IAnalysisStats
{
    /// <summary>The analysed calls received on the UTC days <paramref name="firstDay"/> to <paramref name="lastDay"/> (inclusive).</summary>
    Task<AnalysisFigures> GetAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken);
}
