namespace EasyMo.Testing;

/// <summary>The tests' one way to wait for something the service does in the background.</summary>
public static class Poll
{
    /// <summary>
    /// Waits until <paramref name="condition"/> holds, checking every 20 ms, and fails the test, naming
    /// <paramref name="what"/>, when it still does not hold after <paramref name="timeout"/> (15 s by default).
    /// </summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new ShouldAssertException($"Timed out waiting for {what}.");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
