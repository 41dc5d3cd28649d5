namespace EasyMo.Application.Features.Stats.GetCallStats;

/// <summary>
/// The post-call analyses of a range's calls (<c>analysis</c> of <c>GET /api/stats/calls</c>): only calls with a stored
/// analysis count (consented, ended, analysed). <c>resolutionRate</c> is resolved over analysed, 0 when none was.
/// <c>bySentiment</c> holds every sentiment, zero included.
/// </summary>
public sealed record AnalysisFigures(
    int Analysed,
    double ResolutionRate,
    IReadOnlyList<DayResolution> ByDay,
    IReadOnlyList<ServiceResolution> ByService,
    IReadOnlyDictionary<string, int> BySentiment);

/// <summary>One UTC day's analysed calls by outcome (days without any are left out).</summary>
public sealed record DayResolution(DateOnly Date, int Analysed, int Resolved, int FollowUp, int NotResolved, double ResolutionRate);

/// <summary>One service's analysed calls by outcome (services without any are left out), most asked first.</summary>
public sealed record ServiceResolution(string Service, int Analysed, int Resolved, int FollowUp, int NotResolved, double ResolutionRate);
