using System.Text.RegularExpressions;
using EasyMo.Application.Common.Options;

namespace EasyMo.Application.Features.Callbacks;

/// <summary>
/// Calling back callers the service could not answer, through GPT-Live's outbound SIP calling (configuration section
/// <c>Callbacks</c>). Off by default: OpenAI must have enabled outbound calling for the organization, and the carrier's
/// trunk must take TLS, Opus and SDES-SRTP (docs/setup-gpt-live.md).
/// </summary>
public sealed partial class CallbackOptions : IValidatedOptions
{
    public const string SectionName = "Callbacks";

    public bool Enabled { get; set; }

    /// <summary>The carrier's trunk as OpenAI dials it: <c>sips:host[:port][;transport=tcp]</c> (TLS only).</summary>
    public string? TrunkUrl { get; set; }

    /// <summary>The trunk's SIP digest user name. Sent to OpenAI with each call, never logged.</summary>
    public string? TrunkUsername { get; set; }

    /// <summary>The trunk's SIP digest password. Sent to OpenAI with each call, never logged.</summary>
    public string? TrunkPassword { get; set; }

    /// <summary>The number callers see (the SIP <c>From</c>), E.164: the number they called, so that they know it.</summary>
    public string? CallerNumber { get; set; }

    /// <summary>Calls back ring only from this hour of the caller's day…</summary>
    public TimeOnly CallingHoursStart { get; set; } = new(8, 0);

    /// <summary>…until this one (exclusive). A start after the end spans midnight.</summary>
    public TimeOnly CallingHoursEnd { get; set; } = new(20, 0);

    /// <summary>Most calls back one number gets on one of its days (counted by the day they called).</summary>
    public int MaxPerNumberPerDay { get; set; } = 2;

    /// <summary>A call back still queued this long after the call it answers is dropped (expired).</summary>
    public TimeSpan ExpireAfter { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How long a placed call may ring before it is given up (OpenAI stops at 3 minutes).</summary>
    public TimeSpan RingTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>How long OpenAI may take to create the outbound session; past it the call is in doubt, never dialed again.</summary>
    public TimeSpan DialTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often the queue is looked at for a free line.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The caller's time zone (IANA) by their number's country code, longest prefix first.</summary>
    public Dictionary<string, string> TimeZones { get; set; } = new()
    {
        ["250"] = "Africa/Kigali",
        ["356"] = "Europe/Malta",
        ["33"] = "Europe/Paris",
        ["32"] = "Europe/Brussels",
        ["243"] = "Africa/Kinshasa",
        ["257"] = "Africa/Bujumbura",
        ["254"] = "Africa/Nairobi",
        ["256"] = "Africa/Kampala",
        ["255"] = "Africa/Dar_es_Salaam",
    };

    /// <summary>The time zone of a number no entry matches.</summary>
    public string DefaultTimeZone { get; set; } = "Africa/Kigali";

    /// <summary>Problems with these settings, one line each (the password is never quoted); empty when they can run.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxPerNumberPerDay < 1)
        {
            problems.Add("Callbacks:MaxPerNumberPerDay must be at least 1.");
        }

        if (ExpireAfter <= TimeSpan.Zero || SweepInterval <= TimeSpan.Zero || RingTimeout <= TimeSpan.Zero || RingTimeout > TimeSpan.FromMinutes(3))
        {
            problems.Add("Callbacks:ExpireAfter and SweepInterval must be positive, and RingTimeout between 0 and 3 minutes (OpenAI's ringing limit).");
        }

        if (DialTimeout < TimeSpan.FromSeconds(1) || DialTimeout > TimeSpan.FromSeconds(90))
        {
            problems.Add("Callbacks:DialTimeout must be between 1 and 90 seconds.");
        }

        if (CallingHoursStart == CallingHoursEnd)
        {
            problems.Add("Callbacks:CallingHoursStart and CallingHoursEnd must differ.");
        }

        foreach (var zone in TimeZones.Values.Append(DefaultTimeZone).Where(zone => CallbackPolicy.FindZone(zone) is null).Distinct())
        {
            problems.Add($"Callbacks: the time zone '{zone}' is not known on this machine (an IANA id such as Africa/Kigali; is tzdata installed?).");
        }

        if (!Enabled)
        {
            return problems;
        }

        // OpenAI's LiveSIPTrunk rules: TLS signaling, no userinfo, path, headers or parameters other than transport=tcp.
        if (TrunkUrl is null || !TrunkUrlPattern().IsMatch(TrunkUrl))
        {
            problems.Add("Callbacks:TrunkUrl (EASYMO_CALLBACK_TRUNK_URL) must be the carrier trunk as sips:host[:port][;transport=tcp]: TLS only, no user, path or other parameters.");
        }

        if (string.IsNullOrWhiteSpace(TrunkUsername) || TrunkUsername.Length > 256 || TrunkUsername.Any(c => c is '\r' or '\n' or '\0'))
        {
            problems.Add("Callbacks:TrunkUsername (EASYMO_CALLBACK_TRUNK_USERNAME) must be set: the trunk's SIP digest user, one line of at most 256 characters.");
        }

        if (string.IsNullOrEmpty(TrunkPassword) || TrunkPassword.Length > 4096 || TrunkPassword.Any(c => c is '\r' or '\n' or '\0'))
        {
            problems.Add("Callbacks:TrunkPassword (EASYMO_CALLBACK_TRUNK_PASSWORD) must be set: the trunk's SIP digest password, one line.");
        }

        if (CallerNumber is null || !E164Pattern().IsMatch(CallerNumber))
        {
            problems.Add("Callbacks:CallerNumber (EASYMO_CALLBACK_CALLER_NUMBER) must be the E.164 number callers see, such as +250788000000.");
        }

        return problems;
    }

    [GeneratedRegex(@"^sips:(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?(;transport=tcp)?$")]
    private static partial Regex TrunkUrlPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}$")]
    private static partial Regex E164Pattern();
}
