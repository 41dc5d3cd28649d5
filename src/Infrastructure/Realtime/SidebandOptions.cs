namespace EasyMo.Infrastructure.Realtime;

/// <summary>How accepted calls are followed over the sideband socket (configuration section <c>Sideband</c>).</summary>
public sealed class SidebandOptions
{
    public const string SectionName = "Sideband";

    /// <summary>Follow accepted calls at all. Off only for tests and tools that must not open sockets.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A call with no event from OpenAI for this long is hung up.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Attempts to open the socket before the call is closed as lost.</summary>
    public int ConnectAttempts { get; set; } = 3;

    /// <summary>Delay between connection attempts.</summary>
    public TimeSpan ConnectRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long an instance's claim on a live call lasts without a heartbeat.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often leases are extended and orphaned live calls looked for.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// On GPT-Live, how long the greeting waits for <c>session.started</c> after the attach (OpenAI asks for the greeting
    /// after it; whether an accepted SIP session's sideband gets one is unconfirmed, so the greeting goes anyway after this).
    /// </summary>
    public TimeSpan LiveStartWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>An accepted call nobody follows for this long is taken over (a crash between accept and attach).</summary>
    public TimeSpan UnattendedGrace { get; set; } = TimeSpan.FromSeconds(15);
}
