namespace EasyMo.Infrastructure.Work;

/// <summary>The one retry delay of the background works: exponential from a base, capped, jittered ±50 % so that retries spread.</summary>
internal static class RetryBackoff
{
    /// <summary>
    /// The delay after attempt <paramref name="attempts"/> (1 for the first failure): <paramref name="baseDelay"/> doubled
    /// each attempt, at most <paramref name="maxDelay"/>, then jittered ±50 % and capped again.
    /// </summary>
    public static TimeSpan After(int attempts, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var capped = Math.Min(exponential, maxDelay.TotalMilliseconds);
        var jittered = capped * (0.5 + Random.Shared.NextDouble());
        return TimeSpan.FromMilliseconds(Math.Min(jittered, maxDelay.TotalMilliseconds));
    }
}
