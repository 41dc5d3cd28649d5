namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// One privacy operation (<c>export</c>, <c>erase</c>, <c>purge</c>, <c>pseudonymise</c>): when, by whom (a hash of the
/// admin token, or <c>retention-job</c>), about whom (the pseudonym of the number; none for the retention job) and how
/// many rows of each table it touched. It holds no personal data.
/// </summary>
public sealed class PrivacyAudit
{
    public required Guid Id { get; init; }

    public required DateTimeOffset At { get; init; }

    public required string Action { get; init; }

    public required string Actor { get; init; }

    public string? Subject { get; init; }

    /// <summary>Rows per table, as a JSON object (<c>{"call_transcripts":3,…}</c>).</summary>
    public required string Counts { get; init; }
}
