using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace EasyMo.Infrastructure.OpenAi;

/// <summary>
/// Standard Webhooks verification as OpenAI's SDKs do it: HMAC-SHA256 over <c>{webhook-id}.{webhook-timestamp}.</c> and
/// the raw body bytes, keyed with the base64 secret after <c>whsec_</c>; any <c>v1,</c> entry of the space-separated
/// <c>webhook-signature</c> may match, compared in constant time; the timestamp within ±tolerance (inclusive).
/// While a secret is rotated, a previous secret is accepted next to the current one until its end (exclusive), by the
/// injected clock; without a previous secret the work per delivery is one HMAC, as before.
/// </summary>
public sealed class StandardWebhookVerifier
{
    public const string SecretPrefix = "whsec_";

    /// <summary>Standard Webhooks secrets are 24–64 random bytes; start-up refuses fewer.</summary>
    public const int MinimumSecretBytes = 24;

    public const string SecretKey = "OpenAI:WebhookSecret";
    public const string PreviousSecretKey = "OpenAI:PreviousWebhookSecret";
    public const string PreviousSecretVariable = "OPENAI_WEBHOOK_SECRET_PREVIOUS";
    public const string PreviousSecretUntilKey = "OpenAI:PreviousWebhookSecretUntil";

    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromSeconds(300);

    private const int SignatureLength = 32;
    private const int StackPrefixBytes = 256;
    private readonly byte[] _key;
    private readonly byte[]? _previousKey;
    private readonly long _previousUntilSeconds;
    private readonly TimeProvider _time;
    private readonly long _toleranceSeconds;

    /// <summary>
    /// A verifier with <paramref name="secret"/> (<c>whsec_</c> + base64, or raw as the SDKs take it) and, while rotating,
    /// <paramref name="previousSecret"/> accepted as well until <paramref name="previousUntil"/> (required with it).
    /// </summary>
    public StandardWebhookVerifier(string secret, TimeProvider time, TimeSpan? tolerance = null, string? previousSecret = null, DateTimeOffset? previousUntil = null)
    {
        if (!TryDecodeSecret(secret, out var key))
        {
            throw new ArgumentException("The webhook secret is missing or malformed.", nameof(secret));
        }

        if (!string.IsNullOrWhiteSpace(previousSecret))
        {
            if (!TryDecodeSecret(previousSecret, out var previousKey))
            {
                throw new ArgumentException("The previous webhook secret is malformed.", nameof(previousSecret));
            }

            // Never open-ended: a previous secret without an end would be a second current one.
            _previousKey = previousKey;
            _previousUntilSeconds = (previousUntil ?? throw new ArgumentException("A previous webhook secret needs its end.", nameof(previousUntil))).ToUnixTimeSeconds();
        }

        _key = key;
        _time = time;
        _toleranceSeconds = (long)(tolerance ?? DefaultTolerance).TotalSeconds;
    }

    /// <summary>
    /// The verifier of the service's configuration: <c>OPENAI_WEBHOOK_SECRET</c>, and while rotating
    /// <c>OPENAI_WEBHOOK_SECRET_PREVIOUS</c> until <c>OpenAI:PreviousWebhookSecretUntil</c> (checked at start-up).
    /// </summary>
    public static StandardWebhookVerifier FromConfiguration(IConfiguration configuration, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var previous = configuration[PreviousSecretKey];
        DateTimeOffset? until = TryParseInstant(configuration[PreviousSecretUntilKey], out var end) ? end : null;
        return new StandardWebhookVerifier(configuration[SecretKey] ?? string.Empty, time, previousSecret: previous, previousUntil: until);
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

    /// <summary>
    /// Whether <paramref name="secret"/> is what OpenAI issues and start-up requires: <c>whsec_</c>, then the base64 of at
    /// least <see cref="MinimumSecretBytes"/> bytes. (<see cref="TryDecodeSecret"/> is laxer, as the SDKs are.)
    /// </summary>
    public static SecretStrength Strength(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return SecretStrength.Missing;
        }

        if (!secret.Trim().StartsWith(SecretPrefix, StringComparison.Ordinal) || !TryDecodeSecret(secret, out var key))
        {
            return SecretStrength.Malformed;
        }

        return key.Length < MinimumSecretBytes ? SecretStrength.TooShort : SecretStrength.Strong;
    }

    /// <summary>An ISO-8601 instant with its offset (<c>2026-12-01T12:00:00Z</c>, <c>…+02:00</c>); a local time without one is refused.</summary>
    public static bool TryParseInstant(string? text, out DateTimeOffset instant)
    {
        instant = default;
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length < 11 || value[10] != 'T')
        {
            return false;
        }

        var hasOffset = value.EndsWith('Z') || value.EndsWith('z') || (value.Length > 6 && value[^6] is '+' or '-' && value[^3] == ':');
        return hasOffset && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant);
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

        // The timestamp as received, not re-formatted: the sender signed its own text.
        var prefixLength = webhookId.Length + timestamp.Length + 2;
        Span<byte> prefix = prefixLength <= StackPrefixBytes / 3 ? stackalloc byte[StackPrefixBytes] : new byte[Encoding.UTF8.GetMaxByteCount(prefixLength)];
        var written = Encoding.UTF8.GetBytes(webhookId, prefix);
        prefix[written++] = (byte)'.';
        written += Encoding.UTF8.GetBytes(timestamp, prefix[written..]);
        prefix[written++] = (byte)'.';
        prefix = prefix[..written];

        Span<byte> expected = stackalloc byte[SignatureLength];
        Hmac(_key, prefix, body, expected);

        // The previous secret only inside its window, by the same clock as the timestamp: past it, only the current one.
        var rotating = _previousKey is not null && now < _previousUntilSeconds;
        Span<byte> previous = stackalloc byte[SignatureLength];
        if (rotating)
        {
            Hmac(_previousKey!, prefix, body, previous);
        }

        Span<byte> candidate = stackalloc byte[64];
        var entries = signature.AsSpan();
        foreach (var range in entries.SplitAny(' ', '\t'))
        {
            var entry = entries[range];
            if (!entry.StartsWith("v1,", StringComparison.Ordinal)
                || !Convert.TryFromBase64Chars(entry[3..], candidate, out var length)
                || length != SignatureLength)
            {
                continue;
            }

            // Both compared, each in constant time, so that the time taken does not tell which secret matched.
            var matches = CryptographicOperations.FixedTimeEquals(candidate[..length], expected);
            if (rotating)
            {
                matches |= CryptographicOperations.FixedTimeEquals(candidate[..length], previous);
            }

            if (matches)
            {
                return WebhookVerification.Valid;
            }
        }

        return WebhookVerification.SignatureMismatch;
    }

    private static void Hmac(byte[] key, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> body, Span<byte> hash)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        hmac.GetHashAndReset(hash);
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

/// <summary>What start-up makes of a webhook secret.</summary>
public enum SecretStrength
{
    Strong,
    Missing,
    Malformed,
    TooShort,
}

public enum WebhookVerification
{
    Valid,
    MissingHeader,
    InvalidTimestamp,
    TimestampOutOfRange,
    SignatureMismatch,
}
