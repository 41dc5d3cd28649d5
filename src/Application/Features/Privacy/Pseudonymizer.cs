using System.Security.Cryptography;
using System.Text;
using EasyMo.Domain.Common;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Features.Privacy;

/// <summary>
/// One-way pseudonyms of phone numbers: <c>psn_</c> and the hex of HMAC-SHA256(<see cref="PrivacyOptions.PseudonymKey"/>,
/// E.164 number). Stable (the same number always gives the same pseudonym, so distinct callers can still be counted)
/// and not reversible without the key, which never leaves the configuration.
/// </summary>
public sealed class Pseudonymizer(IOptions<PrivacyOptions> options)
{
    public const string Prefix = "psn_";

    /// <summary>Length of a pseudonym: the prefix and 64 hex digits.</summary>
    public const int Length = 68;

    public bool IsConfigured => options.Value.HasPseudonymKey;

    public string For(PhoneNumber phone) => For(phone.Value);

    /// <summary>The pseudonym of a number written in E.164 (<c>+…</c>) or as a <c>wa_id</c> (digits).</summary>
    public string For(string number)
    {
        var key = options.Value.PseudonymKey;
        if (key is not { Length: >= 32 })
        {
            throw new InvalidOperationException("Privacy:PseudonymKey is not configured (at least 32 characters); see docs/privacy.md.");
        }

        var normalized = number.StartsWith('+') ? number : "+" + number;
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(normalized));
        return Prefix + Convert.ToHexStringLower(hash);
    }

    /// <summary>What a keyed WhatsApp id starts with (<see cref="KeyedId"/>); a WhatsApp id itself starts with <c>wacid.</c> or <c>wamid.</c>.</summary>
    public const string KeyedPrefix = Domain.WhatsApp.WhatsAppCall.KeyedIdPrefix;

    /// <summary>
    /// A WhatsApp id (or a key made of one) that only equality needs, keyed: <c>k_</c> and the hex of HMAC-SHA256 with the
    /// pseudonym key. WhatsApp's ids embed the user's number (<c>wacid.HBgLMTIx…</c> decodes to it); the keyed form is
    /// stable, so it still matches and deduplicates, and cannot be turned back into the number. Without a key (development)
    /// an unkeyed SHA-256 (<c>h_</c>), which production refuses to run with (the key is required there).
    /// </summary>
    public string KeyedId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var input = Encoding.UTF8.GetBytes("whatsapp-id:" + id);
        var key = options.Value.PseudonymKey;
        return key is { Length: >= 32 }
            ? KeyedPrefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), input))
            : "h_" + Convert.ToHexStringLower(SHA256.HashData(input));
    }
}
