using System.Security.Cryptography;

namespace EasyMo.Testing;

/// <summary>
/// Secrets a test needs of a given shape, generated when it runs: test data names them (<c>whsec-of:23</c>, a
/// <c>whsec_</c> secret of 23 random bytes) so that nothing that looks like a real secret is ever written in the repository.
/// </summary>
public static class TestSecrets
{
    private const string WhsecOf = "whsec-of:";

    /// <summary><c>whsec_</c> and the base64 of <paramref name="bytes"/> random bytes.</summary>
    public static string Whsec(int bytes) => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>A generated secret for a <c>whsec-of:N</c> name; any other value as it is.</summary>
    public static string? Expand(string? value) =>
        value is not null && value.StartsWith(WhsecOf, StringComparison.Ordinal) ? Whsec(int.Parse(value[WhsecOf.Length..], System.Globalization.CultureInfo.InvariantCulture)) : value;
}
