using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace EasyMo.WebApi.Security;

/// <summary>
/// The configured operator tokens, as SHA-256 digests with their roles (a token listed under several roles holds them
/// all). A presented token is compared with every digest in constant time, with no early exit, so neither which token
/// nor how many are configured leaks through timing. Rebuilt when the configuration changes (rotation without restart).
/// </summary>
public sealed class OperatorTokens : IDisposable
{
    private readonly IDisposable? _subscription;
    private volatile Entry[] _entries;

    public OperatorTokens(IOptionsMonitor<AdminOptions> options)
    {
        _entries = Build(options.CurrentValue);
        _subscription = options.OnChange(changed => _entries = Build(changed));
    }

    /// <summary>Whether any token is configured at all.</summary>
    public bool Any => _entries.Length > 0;

    /// <summary>The principal of <paramref name="presented"/>, or null when it is no configured token.</summary>
    public OperatorPrincipal? Authenticate(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var roles = OperatorRoles.None;
        foreach (var entry in _entries)
        {
            // Every entry is compared; the roles of each match are merged without branching on the secret's position.
            var match = CryptographicOperations.FixedTimeEquals(digest, entry.Digest);
            roles |= match ? entry.Roles : OperatorRoles.None;
        }

        return roles == OperatorRoles.None ? null : new OperatorPrincipal(roles, Id(digest));
    }

    /// <summary>The id of a token: <c>tok_</c> and the first 12 hex digits of its SHA-256.</summary>
    public static string IdOf(string token) => Id(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>The configured tokens of each role, split on commas and trimmed (for start-up checks).</summary>
    public static IEnumerable<(string Key, string Token)> Configured(AdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (key, tokens, _) in Sources(options))
        {
            foreach (var token in tokens)
            {
                yield return (key, token);
            }
        }
    }

    public void Dispose() => _subscription?.Dispose();

    private static string Id(byte[] digest) => "tok_" + Convert.ToHexStringLower(digest)[..12];

    private static Entry[] Build(AdminOptions options) =>
        [.. Sources(options).SelectMany(source => source.Tokens.Select(token => new Entry(SHA256.HashData(Encoding.UTF8.GetBytes(token)), source.Roles)))];

    private static IEnumerable<(string Key, string[] Tokens, OperatorRoles Roles)> Sources(AdminOptions options) =>
    [
        ("Admin:Token", string.IsNullOrWhiteSpace(options.Token) ? [] : [options.Token.Trim()], OperatorRoles.Admin), // one token, never a list
        ("Admin:ViewerTokens", Split(options.ViewerTokens), OperatorRoles.Viewer),
        ("Admin:OperatorTokens", Split(options.OperatorTokens), OperatorRoles.Operator),
        ("Admin:PrivacyTokens", Split(options.PrivacyTokens), OperatorRoles.Privacy),
    ];

    private static string[] Split(string? value) =>
        (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private sealed record Entry(byte[] Digest, OperatorRoles Roles);
}
