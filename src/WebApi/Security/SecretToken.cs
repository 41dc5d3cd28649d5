using System.Security.Cryptography;
using System.Text;

namespace EasyMo.WebApi.Security;

/// <summary>
/// A shared secret presented by a peer — Meta's <c>hub.verify_token</c>, the operators' admin bearer token — compared in
/// constant time (as SHA-256 digests, so that not even the length leaks). Without a configured token nothing matches.
/// </summary>
public sealed class SecretToken
{
    private readonly byte[]? _digest;

    public SecretToken(string? token)
    {
        _digest = string.IsNullOrEmpty(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    public bool IsConfigured => _digest is not null;

    public bool Matches(string? candidate) =>
        _digest is not null
        && candidate is not null
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(candidate)), _digest);
}
