namespace EasyMo.Application.Features.Calls;

/// <summary>How incoming calls are answered (configuration section <c>Calls</c>).</summary>
public sealed class CallHandlingOptions
{
    public const string SectionName = "Calls";

    /// <summary>Most calls answered at once; beyond it new calls get 486 Busy Here. 0 means no ceiling.</summary>
    public int MaxLiveCalls { get; set; } = 50;

    /// <summary>
    /// The longest a call may last: the monitor hangs up at this age, and an accepted call whose end was never recorded
    /// stops counting as live after it.
    /// </summary>
    public TimeSpan MaxCallDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a claimed decision may stay unrecorded before a redelivery takes it over (its process died, or its database
    /// went away), by the database's clock; longer than a decision can take (OpenAI's accept and reject budgets).
    /// </summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Country calling code (digits) for numbers a trunk sends in national form (<c>0788…</c>).</summary>
    public string DefaultCountryCode { get; set; } = "250";

    /// <summary>Language by the caller's country calling code (digits); the longest matching prefix wins.</summary>
    public Dictionary<string, string> LanguageByCountryCode { get; set; } = new()
    {
        ["250"] = "rw", // Rwanda
        ["33"] = "fr", // France
        ["32"] = "fr", // Belgium
        ["243"] = "fr", // DR Congo
        ["257"] = "fr", // Burundi
        ["242"] = "fr", // Congo
        ["225"] = "fr", // Côte d'Ivoire
        ["221"] = "fr", // Senegal
        ["237"] = "fr", // Cameroon
        ["241"] = "fr", // Gabon
        ["253"] = "fr", // Djibouti
        ["269"] = "fr", // Comoros
        ["261"] = "fr", // Madagascar
        ["235"] = "fr", // Chad
        ["236"] = "fr", // Central African Republic
        ["227"] = "fr", // Niger
        ["228"] = "fr", // Togo
        ["229"] = "fr", // Benin
        ["223"] = "fr", // Mali
        ["226"] = "fr", // Burkina Faso
        ["224"] = "fr", // Guinea
        ["377"] = "fr", // Monaco
    };

    /// <summary>Language when neither the profile nor the country tells one.</summary>
    public string DefaultLanguage { get; set; } = "en";

    /// <summary>
    /// Where <c>transfer_to_human</c> (and key 0) sends a caller, as SIP REFER targets (<c>tel:+…</c>, <c>sip:…</c>), looked up
    /// by <c>{language}-{channel}</c> (<c>rw-whatsapp</c>), then <c>{language}</c>, then <c>{channel}</c>, then <c>default</c>.
    /// No target: the agent says no person is available.
    /// </summary>
    public Dictionary<string, string> TransferTargets { get; set; } = new();

    /// <summary>
    /// Who answers each transfer target, for the warm transfer: the WhatsApp number (E.164, <c>+</c> optional) that gets the
    /// call's brief before the REFER completes, by the same keys and in the same order as <see cref="TransferTargets"/>.
    /// No contact for a call: no brief, the transfer goes on as before.
    /// </summary>
    public Dictionary<string, string> TransferContacts { get; set; } = new();

    /// <summary>
    /// Longest the transfer waits for the two-line summary of a consented call's conversation so far; past it (or when the
    /// summary fails) the brief goes without it. The caller hears the agent's "connecting you" meanwhile.
    /// </summary>
    public TimeSpan TransferBriefSummaryTimeout { get; set; } = TimeSpan.FromSeconds(2.5);

    /// <summary>Carrier trunks, named by the dialed number's prefix (E.164 digits), e.g. <c>250788 → MTN Rwanda</c>.</summary>
    public Dictionary<string, string> TrunksByDialedPrefix { get; set; } = new()
    {
        ["250"] = "MTN Rwanda",
        ["356"] = "GO Malta",
    };

    /// <summary>The transfer contacts' key order for a call: <c>{language}-{channel}</c>, <c>{language}</c>, <c>{channel}</c>, <c>default</c>.</summary>
    public static string[] TransferKeys(string language, string channel) => [$"{language}-{channel}", language, channel, "default"];

    /// <summary>Problems with the warm transfer's settings, one line each (start-up refuses them).</summary>
    public IReadOnlyList<string> TransferBriefProblems()
    {
        var problems = new List<string>();
        foreach (var (key, value) in TransferContacts)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            if (!Domain.Common.PhoneNumber.TryParse(value, out _))
            {
                problems.Add($"Calls:TransferContacts:{key} must be a WhatsApp number in E.164 form, such as +250788123456.");
            }
        }

        if (TransferBriefSummaryTimeout <= TimeSpan.Zero || TransferBriefSummaryTimeout > TimeSpan.FromSeconds(30))
        {
            problems.Add("Calls:TransferBriefSummaryTimeout must be positive and at most 00:00:30: the caller waits for it.");
        }

        return problems;
    }
}
