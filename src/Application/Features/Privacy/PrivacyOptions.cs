using EasyMo.Application.Common.Options;

namespace EasyMo.Application.Features.Privacy;

/// <summary>Consent, retention and pseudonymisation (configuration section <c>Privacy</c>); see docs/privacy.md.</summary>
public sealed class PrivacyOptions : IValidatedOptions
{
    public const string SectionName = "Privacy";

    /// <summary>The shortest <see cref="PseudonymKey"/> taken.</summary>
    public const int MinimumKeyLength = 32;

    /// <summary>A caller who answered the consent question less than this long ago is not asked again.</summary>
    public TimeSpan ReaskAfter { get; set; } = TimeSpan.FromDays(180);

    /// <summary>Transcripts, summaries, requests, voice notes, recordings and sent messages older than this are purged.</summary>
    public TimeSpan RetainContentFor { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Calls older than this keep their metadata with the caller's number replaced by a pseudonym.</summary>
    public TimeSpan PseudonymiseAfter { get; set; } = TimeSpan.FromDays(365);

    /// <summary>
    /// The secret key of the one-way pseudonyms (HMAC-SHA256), at least 32 characters. Required by the retention job
    /// and by erasure; never logged. Changing it changes every future pseudonym (distinct-caller counts restart).
    /// </summary>
    public string? PseudonymKey { get; set; }

    /// <summary>Run the retention job on this instance (several instances may: they never do the same work twice).</summary>
    public bool RetentionEnabled { get; set; } = true;

    /// <summary>How often the retention job runs.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most rows one statement of the retention job touches.</summary>
    public int RetentionBatchSize { get; set; } = 500;

    public bool HasPseudonymKey => PseudonymKey is { Length: >= MinimumKeyLength };

    /// <summary>Problems with these settings, one line each; empty when they can run.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (ReaskAfter <= TimeSpan.Zero || RetainContentFor <= TimeSpan.Zero || PseudonymiseAfter <= TimeSpan.Zero || RetentionInterval <= TimeSpan.Zero)
        {
            problems.Add("Privacy:ReaskAfter, RetainContentFor, PseudonymiseAfter and RetentionInterval must be positive.");
        }

        if (PseudonymiseAfter < RetainContentFor)
        {
            problems.Add("Privacy:PseudonymiseAfter must not be shorter than Privacy:RetainContentFor.");
        }

        if (RetentionBatchSize < 1)
        {
            problems.Add("Privacy:RetentionBatchSize must be at least 1.");
        }

        if (PseudonymKey is { Length: > 0 and < MinimumKeyLength })
        {
            problems.Add($"Privacy:PseudonymKey must be at least {MinimumKeyLength} characters.");
        }

        return problems;
    }
}
