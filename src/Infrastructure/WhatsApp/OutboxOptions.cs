using EasyMo.Application.Common.Options;

namespace EasyMo.Infrastructure.WhatsApp;

/// <summary>The outbox dispatcher (configuration section <c>Outbox</c>).</summary>
public sealed class OutboxOptions : IValidatedOptions
{
    public const string SectionName = "Outbox";

    /// <summary>Drain the outbox on this instance.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often due messages are claimed.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many messages one claim takes.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>Attempts before a message that keeps failing for a passing reason is given up.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait after the first failed attempt; it doubles with each attempt, with jitter, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait between two attempts.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a claimed batch belongs to its dispatcher. A message of a dispatcher that stopped or died is due again
    /// when the lease ends; a dispatcher does not start a send that could outlast its lease.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (SweepInterval <= TimeSpan.Zero)
        {
            problems.Add("Outbox:SweepInterval must be positive.");
        }

        if (BatchSize < 1)
        {
            problems.Add("Outbox:BatchSize must be at least 1.");
        }

        if (MaxAttempts < 1)
        {
            problems.Add("Outbox:MaxAttempts must be at least 1.");
        }

        if (BaseDelay <= TimeSpan.Zero || MaxDelay < BaseDelay)
        {
            problems.Add("Outbox:BaseDelay must be positive and at most Outbox:MaxDelay.");
        }

        if (LeaseDuration <= TimeSpan.Zero)
        {
            problems.Add("Outbox:LeaseDuration must be positive.");
        }

        return problems;
    }
}
