using EasyMo.Domain.Common;

namespace EasyMo.Domain.Calls;

/// <summary>Whether a call's post-call analysis exists (the same life as its summary's, kept apart from it).</summary>
public enum AnalysisStatus
{
    /// <summary>No analysis is needed (the call was never answered, or has not ended).</summary>
    None,

    /// <summary>Due at <see cref="Call.AnalysisDueAt"/>.</summary>
    Pending,

    Done,

    /// <summary>Given up after the configured number of attempts.</summary>
    Failed,

    /// <summary>No analysis is made: the caller did not agree that the conversation may be kept.</summary>
    NotKept,
}

/// <summary>Whether the caller's need was met.</summary>
public enum CallOutcome
{
    Resolved,
    FollowUp,
    NotResolved,
}

public enum CallerSentiment
{
    Positive,
    Neutral,
    Negative,
}

/// <summary>The language the conversation was actually in (whatever the agent was set to speak).</summary>
public enum SpokenLanguage
{
    En,
    Fr,
    Rw,
    Other,
}

/// <summary>
/// What the model read in a call's transcript: the service asked about (one of <see cref="EasyMoServices.All"/>), whether
/// the need was met, the caller's mood, the language spoken, and whether the agent misunderstood or repeated itself.
/// </summary>
public sealed record CallAnalysis(
    string Service,
    CallOutcome Outcome,
    CallerSentiment Sentiment,
    SpokenLanguage Language,
    bool Misunderstood,
    bool Repeated)
{
    public static IReadOnlyList<string> Outcomes { get; } = StateNames.All<CallOutcome>();

    public static IReadOnlyList<string> Sentiments { get; } = StateNames.All<CallerSentiment>();

    public static IReadOnlyList<string> Languages { get; } = StateNames.All<SpokenLanguage>();

    /// <summary>
    /// An analysis from the names the model wrote, each checked against its closed set (exactly as spelled: the request's
    /// schema lists them); null when any is not one of them.
    /// </summary>
    public static CallAnalysis? FromNames(string? service, string? outcome, string? sentiment, string? language, bool misunderstood, bool repeated) =>
        EasyMoServices.IsKnown(service) && TryName<CallOutcome>(outcome, out var o) && TryName<CallerSentiment>(sentiment, out var s)
            && TryName<SpokenLanguage>(language, out var l)
            ? new CallAnalysis(service!, o, s, l, misunderstood, repeated)
            : null;

    private static bool TryName<TEnum>(string? name, out TEnum value)
        where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(StateNames.Of(candidate), name, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
