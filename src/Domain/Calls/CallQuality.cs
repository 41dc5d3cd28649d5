namespace EasyMo.Domain.Calls;

/// <summary>
/// How long the caller waited, measured by the follower of a call on its sideband: each turn's wait (from the caller
/// stopping speaking to the agent's first audio of the answer: p50, p95, the longest, and how many turns), the wait for
/// the first greeting after the accept, and the longest tool round trip (from the model's call to the answer sent). Null
/// where nothing was measured. Milliseconds.
/// </summary>
public sealed record CallQuality(int Turns, int? TurnP50Ms, int? TurnP95Ms, int? TurnMaxMs, int? GreetingMs, int? ToolMaxMs)
{
    /// <summary>The longest wait stored (a minute): anything longer is a measurement gone wrong, not a caller's wait.</summary>
    public const int MaxMs = 60_000;

    public static readonly CallQuality None = new(0, null, null, null, null, null);

    /// <summary>The figures of a call's turn waits (nearest-rank percentiles), its greeting and its longest tool round trip.</summary>
    public static CallQuality Of(IReadOnlyCollection<int> turnWaitsMs, int? greetingMs, int? toolMaxMs)
    {
        ArgumentNullException.ThrowIfNull(turnWaitsMs);
        var sorted = turnWaitsMs.Select(Bound).Order().ToArray();
        int? Rank(double p) => sorted.Length == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new CallQuality(
            sorted.Length,
            Rank(0.50),
            Rank(0.95),
            sorted.Length == 0 ? null : sorted[^1],
            greetingMs is { } greeting ? Bound(greeting) : null,
            toolMaxMs is { } tool ? Bound(tool) : null);
    }

    private static int Bound(int ms) => Math.Clamp(ms, 0, MaxMs);
}
