using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EasyMo.Infrastructure.OpenAi;

/// <summary>
/// Standard Webhooks verification as OpenAI's SDKs do it: HMAC-SHA256 over <c>{webhook-id}.{webhook-timestamp}.</c> and
/// the raw body bytes, keyed with the base64 secret after <c>whsec_</c>; any <c>v1,</c> entry of the space-separated
/// <c>webhook-signature</c> may match, compared in constant time; the timestamp within ±tolerance (inclusive).
/// </summary>
public sealed class StandardWebhookVerifier
{
    public const string SecretPrefix = "whsec_";
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromSeconds(300);

    private const int SignatureLength = 32;
    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly long _toleranceSeconds;

    public StandardWebhookVerifier(string secret, TimeProvider time, TimeSpan? tolerance = null)
    {
        if (!TryDecodeSecret(secret, out var key))
        {
            throw new ArgumentException("The webhook secret is missing or malformed.", nameof(secret));
        }

        _key = key;
        _time = time;
        _toleranceSeconds = (long)(tolerance ?? DefaultTolerance).TotalSeconds;
    }

    /// <summary>
    /// Decodes the signing key: base64 after <c>whsec_</c>; a secret without the prefix is used as UTF-8 bytes, as
    /// OpenAI's SDKs do. Empty or undecodable secrets fail: there is no unsigned mode.
    /// </summary>
    public static bool TryDecodeSecret(string? secret, out byte[] key)
    {
        key = [];
        if (string.IsNullOrWhiteSpace(secret))
        {
            return false;
        }

        var text = secret.Trim();
        if (!text.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            key = Encoding.UTF8.GetBytes(text);
            return true;
        }

        var encoded = text[SecretPrefix.Length..];
        var buffer = new byte[encoded.Length];
        if (encoded.Length == 0 || !Convert.TryFromBase64String(encoded, buffer, out var written) || written == 0)
        {
            return false;
        }

        key = buffer[..written];
        return true;
    }

    public WebhookVerification Verify(string? webhookId, string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return WebhookVerification.MissingHeader;
        }

        if (!long.TryParse(timestamp, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite,
                CultureInfo.InvariantCulture, out var seconds))
        {
            return WebhookVerification.InvalidTimestamp;
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (seconds < now - _toleranceSeconds || seconds > now + _toleranceSeconds)
        {
            return WebhookVerification.TimestampOutOfRange;
        }

        Span<byte> expected = stackalloc byte[SignatureLength];
        using (var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key))
        {
            // The timestamp as received, not re-formatted: the sender signed its own text.
            hmac.AppendData(Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}."));
            hmac.AppendData(body);
            hmac.GetHashAndReset(expected);
        }

        Span<byte> candidate = stackalloc byte[64];
        var entries = signature.AsSpan();
        foreach (var range in entries.SplitAny(' ', '\t'))
        {
            var entry = entries[range];
            if (!entry.StartsWith("v1,", StringComparison.Ordinal))
            {
                continue;
            }

            if (Convert.TryFromBase64Chars(entry[3..], candidate, out var written)
                && written == SignatureLength
                && CryptographicOperations.FixedTimeEquals(candidate[..written], expected))
            {
                return WebhookVerification.Valid;
            }
        }

        return WebhookVerification.SignatureMismatch;
    }

    /// <summary>Signs a payload the way OpenAI does: for tests, the benchmark and the <c>simulate-call</c> tooling.</summary>
    public string Sign(string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        hmac.AppendData(Encoding.UTF8.GetBytes($"{webhookId}.{timestamp.ToString(CultureInfo.InvariantCulture)}."));
        hmac.AppendData(body);
        return "v1," + Convert.ToBase64String(hmac.GetHashAndReset());
    }
}

public enum WebhookVerification
{
    Valid,
    MissingHeader,
    InvalidTimestamp,
    TimestampOutOfRange,
    SignatureMismatch,
}
