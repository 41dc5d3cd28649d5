namespace EasyMo.Domain.Calls;

/// <summary>
/// The EasyMO services a caller may ask about: the agent's <c>record_request</c> tool offers them, and a call's analysis
/// names one of them (<see cref="Call.AnalysisService"/>).
/// </summary>
public static class EasyMoServices
{
    public static IReadOnlyList<string> All { get; } =
        ["rides", "property", "jobs", "insurance", "pharmacy", "farmers", "wallet", "business", "legal", "other"];

    public static bool IsKnown(string? service) => service is not null && All.Contains(service, StringComparer.Ordinal);
}
