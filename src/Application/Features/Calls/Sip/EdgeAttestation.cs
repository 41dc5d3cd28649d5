using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace EasyMo.Application.Features.Calls.Sip;

/// <summary>Why an INVITE's <c>X-EasyMo-Edge</c> header did not prove that the SIP edge admitted it.</summary>
public enum AttestationFailure
{
    None,

    /// <summary>No <c>X-EasyMo-Edge</c> header: the INVITE did not come through the edge (or the edge is not deployed).</summary>
    Missing,

    /// <summary>The header is there more than once: the edge adds exactly one after removing any the caller sent.</summary>
    Duplicate,

    /// <summary>Not <c>v1;adm=…;ts=…;sig=…</c>, or the INVITE lacks the Call-ID, From or To it binds.</summary>
    Malformed,

    /// <summary>The timestamp is more than the tolerance away from the service's clock.</summary>
    Stale,

    /// <summary>The keyed hash matches none of the configured keys.</summary>
    BadSignature,

    /// <summary>No attestation key is configured: nothing can be verified.</summary>
    NoKey,
}

/// <summary>What the edge attested: who admitted the INVITE (<c>whatsapp</c>, or a trunk's name) and when.</summary>
public sealed record EdgeAdmission(string Admission, DateTimeOffset At)
{
    /// <summary>Meta's digest was checked: the call came from WhatsApp.</summary>
    public bool IsWhatsApp => Admission == EdgeAttestation.WhatsAppAdmission;

    /// <summary>The carrier trunk's name, when a trunk admitted the call.</summary>
    public string? Trunk => IsWhatsApp ? null : Admission;
}

/// <summary>The outcome of checking an INVITE's attestation: an admission, or why there is none.</summary>
public sealed record AttestationResult(EdgeAdmission? Admission, AttestationFailure Failure)
{
    public bool IsVerified => Admission is not null;

    public static AttestationResult Fail(AttestationFailure failure) => new(null, failure);
}

/// <summary>
/// The SIP edge's attestation of an INVITE it admitted, header <c>X-EasyMo-Edge</c> (docs/security.md has the
/// construction for other implementations):
/// <code>X-EasyMo-Edge: v1;adm=&lt;admission&gt;;ts=&lt;unix seconds&gt;;sig=&lt;base64url(HMAC-SHA256(key, v1|adm|ts|Call-ID|From URI|To URI))&gt;</code>
/// without base64 padding, the key's UTF-8 bytes as the HMAC key, the URIs as they stand in the From and To headers
/// (inside <c>&lt;…&gt;</c>, or up to the first <c>;</c> of an addr-spec). This is what Kamailio's
/// <c>crypto_hmac_sha256("$_s(v1|$avp(adm)|$Ts|$ci|$fu|$tu)", key, …)</c> produces.
/// </summary>
public static partial class EdgeAttestation
{
    public const string HeaderName = "X-EasyMo-Edge";
    public const string Version = "v1";
    public const string WhatsAppAdmission = "whatsapp";

    /// <summary>How far the attested time may be from the service's clock, either way (as for OpenAI's webhooks).</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);

    private const int SignatureBytes = 32;

    /// <summary>The header value the edge adds for an INVITE with these Call-ID, From URI and To URI.</summary>
    public static string Sign(string key, string admission, long unixSeconds, string callId, string fromUri, string toUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!IsAdmission(admission))
        {
            throw new ArgumentException("An admission is 'whatsapp' or a trunk name of lower-case letters, digits and '-'.", nameof(admission));
        }

        var timestamp = unixSeconds.ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Text(admission, timestamp, callId, fromUri, toUri));
        return $"{Version};adm={admission};ts={timestamp};sig={Base64Url.EncodeToString(mac)}";
    }

    /// <summary>
    /// The header value the edge adds to an INVITE with these headers (its Call-ID, From and To read as
    /// <see cref="Verify"/> reads them); null when the INVITE lacks one of them.
    /// </summary>
    public static string? Attest(string key, string admission, long unixSeconds, IReadOnlyList<SipHeader> headers)
    {
        var fields = SignedFields.Read(headers);
        return fields is { CallId: { Length: > 0 } callId, FromUri: { } fromUri, ToUri: { } toUri }
            ? Sign(key, admission, unixSeconds, callId, fromUri, toUri)
            : null;
    }

    /// <summary>
    /// Checks the INVITE's headers (as OpenAI lists them in <c>sip_headers</c>) against every key, in constant time per
    /// key: exactly one <c>X-EasyMo-Edge</c>, well formed, within <see cref="Tolerance"/> of <paramref name="now"/>.
    /// </summary>
    public static AttestationResult Verify(IReadOnlyList<SipHeader> headers, IReadOnlyList<byte[]> keys, DateTimeOffset now)
    {
        var fields = SignedFields.Read(headers);
        if (fields.Attestations == 0)
        {
            return AttestationResult.Fail(AttestationFailure.Missing);
        }

        if (fields.Attestations > 1)
        {
            return AttestationResult.Fail(AttestationFailure.Duplicate);
        }

        if (keys.Count == 0)
        {
            return AttestationResult.Fail(AttestationFailure.NoKey);
        }

        var match = Header().Match(fields.Attestation!.Trim());
        if (!match.Success || fields is not { CallId: { Length: > 0 } callId, FromUri: { } fromUri, ToUri: { } toUri })
        {
            return AttestationResult.Fail(AttestationFailure.Malformed);
        }

        Span<byte> signature = stackalloc byte[SignatureBytes + 3];
        if (!Base64Url.TryDecodeFromChars(match.Groups["sig"].ValueSpan, signature, out var written) || written != SignatureBytes)
        {
            return AttestationResult.Fail(AttestationFailure.Malformed);
        }

        var admission = match.Groups["adm"].Value;
        var timestamp = match.Groups["ts"].Value;
        var text = Text(admission, timestamp, callId, fromUri, toUri);
        var verified = false;
        foreach (var key in keys)
        {
            // Every key is tried, so the time taken does not tell which key (or whether one) matched.
            verified |= CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, text), signature[..SignatureBytes]);
        }

        if (!verified)
        {
            return AttestationResult.Fail(AttestationFailure.BadSignature);
        }

        var at = DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture));
        return (now - at).Duration() > Tolerance
            ? AttestationResult.Fail(AttestationFailure.Stale)
            : new AttestationResult(new EdgeAdmission(admission, at), AttestationFailure.None);
    }

    /// <summary><c>whatsapp</c>, or a trunk's name as the edge's settings allow it.</summary>
    public static bool IsAdmission(string? admission) => admission is not null && Admission().IsMatch(admission);

    /// <summary>What the HMAC is taken over: <c>v1|adm|ts|Call-ID|From URI|To URI</c>, UTF-8.</summary>
    private static byte[] Text(string admission, string timestamp, string callId, string fromUri, string toUri) =>
        Encoding.UTF8.GetBytes($"{Version}|{admission}|{timestamp}|{callId}|{fromUri}|{toUri}");

    /// <summary>
    /// What the attestation binds, read from the INVITE's headers as Kamailio reads them: the first Call-ID, From and To
    /// (compact names too), the URIs as written; and how many <c>X-EasyMo-Edge</c> headers there are.
    /// </summary>
    private readonly record struct SignedFields(string? Attestation, int Attestations, string? CallId, string? FromUri, string? ToUri)
    {
        public static SignedFields Read(IReadOnlyList<SipHeader> headers)
        {
            string? attestation = null;
            var attestations = 0;
            string? callId = null;
            string? from = null;
            string? to = null;
            foreach (var header in headers)
            {
                var name = header.Name.Trim();
                if (name.Equals(HeaderName, StringComparison.OrdinalIgnoreCase))
                {
                    attestation ??= header.Value;
                    attestations++;
                }
                else if (callId is null && (name.Equals("Call-ID", StringComparison.OrdinalIgnoreCase) || name.Equals("i", StringComparison.OrdinalIgnoreCase)))
                {
                    callId = header.Value.Trim();
                }
                else if (from is null && (name.Equals("From", StringComparison.OrdinalIgnoreCase) || name.Equals("f", StringComparison.OrdinalIgnoreCase)))
                {
                    from = header.Value;
                }
                else if (to is null && (name.Equals("To", StringComparison.OrdinalIgnoreCase) || name.Equals("t", StringComparison.OrdinalIgnoreCase)))
                {
                    to = header.Value;
                }
            }

            return new SignedFields(attestation, attestations, callId, SipAddress.UriOf(from), SipAddress.UriOf(to));
        }
    }

    [GeneratedRegex("^v1;adm=(?<adm>[a-z0-9][a-z0-9-]{0,31});ts=(?<ts>[0-9]{1,12});sig=(?<sig>[A-Za-z0-9_-]{43})$")]
    private static partial Regex Header();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex Admission();
}

/// <summary>
/// <c>SIP_EDGE_ATTESTATION_KEY</c>: one key, or several separated by commas while a key is rotated. The edge signs with
/// the first; the service accepts any. Each key is at least 32 characters of the base64 and URL-safe alphabets (so it can
/// stand in a Kamailio script as it is).
/// </summary>
public static partial class EdgeAttestationKeys
{
    public const int MinimumLength = 32;

    /// <summary>The keys, in order; empty when none is configured.</summary>
    public static IReadOnlyList<string> Split(string? configured) =>
        string.IsNullOrWhiteSpace(configured)
            ? []
            : configured.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>What is wrong with the configured keys (one line each, naming no key); empty when they can be used.</summary>
    public static IReadOnlyList<string> Problems(string? configured, string variable)
    {
        var problems = new List<string>();
        var keys = Split(configured);
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i].Length < MinimumLength || !KeyText().IsMatch(keys[i]))
            {
                problems.Add($"{variable}: key {i + 1} must be at least {MinimumLength} characters of A-Z a-z 0-9 + / = _ . ~ - (openssl rand -base64 32).");
            }
        }

        if (keys.Count > 1 && keys.Distinct(StringComparer.Ordinal).Count() != keys.Count)
        {
            problems.Add($"{variable} lists the same key twice.");
        }

        return problems;
    }

    /// <summary>The keys' bytes (UTF-8), as the HMAC takes them.</summary>
    public static IReadOnlyList<byte[]> Bytes(string? configured) => [.. Split(configured).Select(Encoding.UTF8.GetBytes)];

    [GeneratedRegex("^[A-Za-z0-9+/=_.~-]+$")]
    private static partial Regex KeyText();
}
