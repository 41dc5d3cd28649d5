using EasyMo.Application.Common.Options;

namespace EasyMo.Application.Features.Calls;

/// <summary>Post-call summaries (configuration section <c>Summaries</c>).</summary>
public sealed class SummaryOptions : IValidatedOptions
{
    public const string SectionName = "Summaries";

    /// <summary>Sweep for due summaries on this instance. Off, ended calls keep their summary pending.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Model that writes the summaries (OpenAI's Responses API).</summary>
    public string Model { get; set; } = "gpt-4o-mini";

    /// <summary>How often due summaries are looked for.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait after a failed attempt; it doubles with each further failure.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Attempts before a summary is given up (<c>failed</c>).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Most calls one sweep claims at a time.</summary>
    public int BatchSize { get; set; } = 10;

    /// <summary>
    /// How many of a batch's summaries (and, apart, analyses) this instance makes at once: each mostly waits seconds for
    /// OpenAI, so one at a time would keep up with a call every few seconds only.
    /// </summary>
    public int Parallelism { get; set; } = 4;

    /// <summary>Upper bound of the tokens the model may write for one summary.</summary>
    public int MaxOutputTokens { get; set; } = 300;

    /// <summary>Longest one request to the Responses API may take, its retries included.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Longest a single attempt of that request may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of that request after a transient failure (5xx, 408, 429, timeout, connection error).</summary>
    public int RequestRetries { get; set; } = 2;

    /// <summary>Delay before the first retry of that request; it doubles, with jitter.</summary>
    public TimeSpan RequestRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Problems with these settings, one line each; empty when they can run.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Model))
        {
            problems.Add("Summaries:Model must name a model.");
        }

        if (SweepInterval <= TimeSpan.Zero || RetryDelay <= TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero || AttemptTimeout <= TimeSpan.Zero)
        {
            problems.Add("Summaries:SweepInterval, RetryDelay, RequestTimeout and AttemptTimeout must be positive.");
        }

        if (Parallelism is < 1 or > 64)
        {
            problems.Add("Summaries:Parallelism must be between 1 and 64.");
        }

        if (MaxAttempts < 1 || BatchSize < 1 || MaxOutputTokens < 16 || RequestRetries < 0 || RequestRetryDelay < TimeSpan.Zero)
        {
            problems.Add("Summaries:MaxAttempts and BatchSize must be at least 1, MaxOutputTokens at least 16, RequestRetries and RequestRetryDelay not negative.");
        }

        return problems;
    }
}
