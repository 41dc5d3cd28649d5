using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace EasyMo.WebApi.Webhooks;

/// <summary>
/// Meta's <c>X-Hub-Signature-256</c>: <c>sha256=</c> and the hex HMAC-SHA256 of the raw body as received, keyed with the
/// app secret. The hex is compared as bytes (so upper- and lower-case digits both match) in constant time. Without an
/// app secret nothing verifies: there is no unsigned mode.
/// </summary>
public sealed class WhatsAppSignatureVerifier
{
    public const string HeaderName = "X-Hub-Signature-256";
    public const string Prefix = "sha256=";

    private const int SignatureLength = 32;
    private readonly byte[]? _key;

    public WhatsAppSignatureVerifier(string? appSecret)
    {
        _key = string.IsNullOrWhiteSpace(appSecret) ? null : Encoding.UTF8.GetBytes(appSecret.Trim());
    }

    public bool IsConfigured => _key is not null;

    public WhatsAppSignatureVerification Verify(string? header, ReadOnlySpan<byte> body)
    {
        if (_key is null)
        {
            return WhatsAppSignatureVerification.NotConfigured;
        }

        if (string.IsNullOrWhiteSpace(header))
        {
            return WhatsAppSignatureVerification.MissingHeader;
        }

        var value = header.AsSpan().Trim();
        if (!value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return WhatsAppSignatureVerification.SignatureMismatch;
        }

        var hex = value[Prefix.Length..];
        Span<byte> candidate = stackalloc byte[SignatureLength];
        if (hex.Length != SignatureLength * 2
            || Convert.FromHexString(hex, candidate, out _, out var written) != OperationStatus.Done
            || written != SignatureLength)
        {
            return WhatsAppSignatureVerification.SignatureMismatch;
        }

        Span<byte> expected = stackalloc byte[SignatureLength];
        HMACSHA256.HashData(_key, body, expected);
        return CryptographicOperations.FixedTimeEquals(candidate, expected)
            ? WhatsAppSignatureVerification.Valid
            : WhatsAppSignatureVerification.SignatureMismatch;
    }

    /// <summary>Signs a body as Meta does (<c>sha256=</c> and lower-case hex): for tests and local tooling.</summary>
    public string Sign(ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(_key ?? throw new InvalidOperationException("No app secret to sign with."), body));
}

public enum WhatsAppSignatureVerification
{
    Valid,
    NotConfigured,
    MissingHeader,
    SignatureMismatch,
}
