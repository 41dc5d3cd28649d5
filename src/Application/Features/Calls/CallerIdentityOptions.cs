using EasyMo.Application.Features.Calls.Sip;

namespace EasyMo.Application.Features.Calls;

/// <summary>What happens to a call whose INVITE carries no valid <c>X-EasyMo-Edge</c> attestation.</summary>
public enum UnverifiedCallerPolicy
{
    /// <summary>Answered, but nothing of the claimed number's profile is read or written, and nothing is sent to it.</summary>
    Anonymous,

    /// <summary>Refused with SIP 603 before anything is created for the caller.</summary>
    Reject,

    /// <summary>
    /// The claimed number is believed, as before attestation existed: for a carrier pointed straight at OpenAI without
    /// the SIP edge. Anyone who can reach OpenAI's SIP address can then speak as any EasyMO user.
    /// </summary>
    Trust,
}

/// <summary>
/// Caller identity (configuration section <c>Identity</c>): the key(s) the SIP edge signs admitted INVITEs with, and the
/// policy for callers it did not attest. Environment: <c>SIP_EDGE_ATTESTATION_KEY</c>, <c>EASYMO_UNVERIFIED_CALLERS</c>.
/// </summary>
public sealed class CallerIdentityOptions
{
    public const string SectionName = "Identity";
    public const string AttestationKeyKey = SectionName + ":" + nameof(AttestationKey);
    public const string UnverifiedCallersKey = SectionName + ":" + nameof(UnverifiedCallers);
    public const string AttestationKeyVariable = "SIP_EDGE_ATTESTATION_KEY";
    public const string UnverifiedCallersVariable = "EASYMO_UNVERIFIED_CALLERS";

    /// <summary>The names <see cref="UnverifiedCallers"/> takes, as configured.</summary>
    public static readonly string[] PolicyNames = ["anonymous", "reject", "trust"];

    /// <summary>
    /// One key, or several separated by commas while a key is rotated (the edge signs with the first; any is accepted).
    /// Each at least 32 characters; never logged. None: every call is unverified.
    /// </summary>
    public string? AttestationKey { get; set; }

    /// <summary><c>anonymous</c> (default), <c>reject</c> or <c>trust</c>: see <see cref="UnverifiedCallerPolicy"/>.</summary>
    public string? UnverifiedCallers { get; set; } = "anonymous";

    /// <summary>The policy; an unknown name (which start-up refuses) reads as the default, <c>anonymous</c>.</summary>
    public UnverifiedCallerPolicy Policy => TryParsePolicy(UnverifiedCallers, out var policy) ? policy : UnverifiedCallerPolicy.Anonymous;

    public bool HasAttestationKey => EdgeAttestationKeys.Split(AttestationKey).Count > 0;

    /// <summary>A configured policy name (case and surrounding blanks ignored; empty means the default).</summary>
    public static bool TryParsePolicy(string? value, out UnverifiedCallerPolicy policy)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case null or "" or "anonymous":
                policy = UnverifiedCallerPolicy.Anonymous;
                return true;
            case "reject":
                policy = UnverifiedCallerPolicy.Reject;
                return true;
            case "trust":
                policy = UnverifiedCallerPolicy.Trust;
                return true;
            default:
                policy = UnverifiedCallerPolicy.Anonymous;
                return false;
        }
    }

    /// <summary>What is wrong with these settings, one line each, naming the variables and never a key; empty when usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>(EdgeAttestationKeys.Problems(AttestationKey, AttestationKeyVariable));
        if (!TryParsePolicy(UnverifiedCallers, out _))
        {
            problems.Add($"{UnverifiedCallersVariable} must be one of {string.Join(", ", PolicyNames)} (what happens to calls the SIP edge did not attest).");
        }

        return problems;
    }
}
