using System.Globalization;

namespace EasyMo.Testing;

/// <summary>
/// Settings for a test host: defaults, then a test's own values on top. The named groups compose, a later one winning:
/// <c>EasyMoApp.StartAsync(WithMonitor(), WithLiveCallCeiling(2))</c>.
/// </summary>
public static class TestSettings
{
    /// <summary>Sets each of <paramref name="overrides"/> on <paramref name="settings"/> (a later value wins) and returns it.</summary>
    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, IEnumerable<KeyValuePair<string, string?>>? overrides)
    {
        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <inheritdoc cref="With(Dictionary{string, string?}, IEnumerable{KeyValuePair{string, string?}}?)"/>
    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, IEnumerable<(string Key, string? Value)> overrides) =>
        settings.With(overrides.Select(pair => KeyValuePair.Create(pair.Key, pair.Value)));

    /// <summary>The groups in one set of settings, a later group's value winning.</summary>
    public static Dictionary<string, string?> Combine(params IEnumerable<IEnumerable<KeyValuePair<string, string?>>> groups) =>
        groups.Aggregate(new Dictionary<string, string?>(), (all, group) => all.With(group));

    /// <summary>The sideband monitor on (a host's default is off) with short guards, for tests that follow calls to their end.</summary>
    public static Dictionary<string, string?> WithMonitor() => new()
    {
        ["Sideband:Enabled"] = "true",
        ["Sideband:IdleTimeout"] = "00:00:10",
        ["Calls:MaxCallDuration"] = "00:01:00",
        ["Sideband:ConnectAttempts"] = "2",
        ["Sideband:ConnectRetryDelay"] = "00:00:00.100",
        ["Sideband:LeaseDuration"] = "00:00:02",
        ["Sideband:SweepInterval"] = "00:00:00.200",
        ["Sideband:UnattendedGrace"] = "00:00:00.500",
    };

    /// <summary>At most <paramref name="maxLiveCalls"/> calls live at once (0: no ceiling).</summary>
    public static Dictionary<string, string?> WithLiveCallCeiling(int maxLiveCalls) => new()
    {
        ["Calls:MaxLiveCalls"] = maxLiveCalls.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>What the service does with a caller the SIP edge did not attest: <c>reject</c>, <c>trust</c> or the default.</summary>
    public static Dictionary<string, string?> WithUnverifiedCallers(string policy) => new()
    {
        ["Identity:UnverifiedCallers"] = policy,
    };

    /// <summary>WhatsApp's webhook configured: Meta signs with <paramref name="appSecret"/> and verifies with <paramref name="verifyToken"/>.</summary>
    public static Dictionary<string, string?> WithWhatsApp(string appSecret, string verifyToken) => new()
    {
        ["WhatsApp:AppSecret"] = appSecret,
        ["WhatsApp:VerifyToken"] = verifyToken,
    };

    /// <summary>
    /// Sending through the Graph API configured against <paramref name="graph"/>, its requests timing out after 1 s; media
    /// downloaded from the fake's own host, which is on loopback over plain http (so private addresses are allowed).
    /// </summary>
    public static Dictionary<string, string?> WithWhatsAppSending(FakeGraph graph, string accessToken) => new()
    {
        ["WhatsApp:AccessToken"] = accessToken,
        ["WhatsApp:PhoneNumberId"] = FakeGraph.PhoneNumberId,
        ["WhatsApp:GraphBaseUrl"] = graph.BaseUrl.ToString(),
        ["WhatsApp:RequestTimeout"] = "00:00:01",
        ["WhatsApp:MediaHosts:0"] = graph.BaseUrl.Host,
        ["WhatsApp:AllowPrivateMediaAddresses"] = "true",
    };

    /// <summary>A fast outbox dispatcher: sweeps every 50 ms, retries after ~50–200 ms, five at a time, five attempts.</summary>
    public static Dictionary<string, string?> WithOutbox() => new()
    {
        ["Outbox:SweepInterval"] = "00:00:00.050",
        ["Outbox:BaseDelay"] = "00:00:00.050",
        ["Outbox:MaxDelay"] = "00:00:00.200",
        ["Outbox:MaxAttempts"] = "5",
        ["Outbox:BatchSize"] = "5",
        ["Outbox:LeaseDuration"] = "00:00:03",
    };

    /// <summary>A fast summary sweeper: every 100 ms, retried after 100 ms, OpenAI's answer awaited for seconds, not minutes (the accept too).</summary>
    public static Dictionary<string, string?> WithSummaries() => new()
    {
        ["Summaries:SweepInterval"] = "00:00:00.100",
        ["Summaries:RetryDelay"] = "00:00:00.100",
        ["Summaries:RequestRetryDelay"] = "00:00:00.010",
        ["Summaries:AttemptTimeout"] = "00:00:02",
        ["Summaries:RequestTimeout"] = "00:00:05",
        // These tests arrange their calls through the webhook and are about what follows: the calls' accept gets the
        // production timeouts, not the host's 500 ms, which a fully loaded test run could pass (the accept then in
        // doubt, reconciled, and the call failed rather than ended). The tests of timeouts set their own.
        ["OpenAI:AttemptTimeout"] = "00:00:02",
        ["OpenAI:TotalTimeout"] = "00:00:04",
    };

    /// <summary>The privacy endpoints on, pseudonymising with <paramref name="pseudonymKey"/>.</summary>
    public static Dictionary<string, string?> WithPrivacy(string pseudonymKey) => new()
    {
        ["Privacy:PseudonymKey"] = pseudonymKey,
    };

    /// <summary>Metrics computed at every scrape, so that a test sees a change at once.</summary>
    public static Dictionary<string, string?> WithUncachedMetrics() => new()
    {
        ["Metrics:ScrapeCacheMilliseconds"] = "0",
    };

    /// <summary>
    /// Calls back on, through a trunk whose digest password is <paramref name="trunkPassword"/> (generate one per test),
    /// at any hour of the caller's day, swept every 100 ms, a dial awaited 1 s and a ringing call 2 s.
    /// </summary>
    public static Dictionary<string, string?> WithCallbacks(string trunkPassword) => new()
    {
        ["Callbacks:Enabled"] = "true",
        ["Callbacks:TrunkUrl"] = "sips:trunk.example.net:5061",
        ["Callbacks:TrunkUsername"] = "easymo-outbound",
        ["Callbacks:TrunkPassword"] = trunkPassword,
        ["Callbacks:CallerNumber"] = "+250788000111",
        ["Callbacks:CallingHoursStart"] = "00:00",
        ["Callbacks:CallingHoursEnd"] = "23:59:59.9999999",
        ["Callbacks:SweepInterval"] = "00:00:00.100",
        ["Callbacks:DialTimeout"] = "00:00:01",
        ["Callbacks:RingTimeout"] = "00:00:02",
        ["Sideband:LiveStartWait"] = "00:00:00.200",
    };
}
