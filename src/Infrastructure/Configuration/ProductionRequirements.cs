using EasyMo.Application.Features.Privacy;
using Microsoft.Extensions.Configuration;

namespace EasyMo.Infrastructure.Configuration;

/// <summary>
/// What a service reachable by others must have, beyond what it needs to run (review M4, M5): checked by
/// <see cref="StartupConfiguration.Validate"/> outside Development, Testing and Sandbox, one line per problem, no value printed.
/// </summary>
public static class ProductionRequirements
{
    public const int MinimumTokenLength = 32;

    private const string PseudonymKey = PrivacyOptions.SectionName + ":" + nameof(PrivacyOptions.PseudonymKey);

    /// <summary>
    /// The operators' bearer tokens, by key and variable: the admin token (one token, never split), and the
    /// comma-separated tokens of each role. Read by their keys: a list is checked as soon as it is set, however it reaches
    /// the configuration. The service's <c>OperatorTokens</c> (in the web app, which this layer cannot see) reads the
    /// same keys the same way; a test holds the two together.
    /// </summary>
    public static readonly (string Key, string Variable, bool IsList)[] TokenKeys =
    [
        ("Admin:Token", "EASYMO_ADMIN_TOKEN", false),
        ("Admin:ViewerTokens", "EASYMO_VIEWER_TOKENS", true),
        ("Admin:OperatorTokens", "EASYMO_OPERATOR_TOKENS", true),
        ("Admin:PrivacyTokens", "EASYMO_PRIVACY_TOKENS", true),
    ];

    /// <summary>Words that mark a token as an example wherever they appear (letters and digits only, lower case).</summary>
    private static readonly string[] PlaceholderMarks = ["replaceme", "changeme", "placeholder", "example"];

    /// <summary>Words a token made of nothing else (and digits) is a placeholder of: <c>bench-admin-token</c>, <c>test-test-…</c>.</summary>
    private static readonly string[] PlaceholderWords =
        ["secret", "password", "passwd", "admin", "token", "test", "dev", "local", "sandbox", "bench", "easymo", "operator", "viewer", "privacy", "key"];

    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        if (configuration[PseudonymKey] is not { Length: >= PrivacyOptions.MinimumKeyLength })
        {
            problems.Add($"{EnvironmentAliases.VariableFor(PseudonymKey)} is required outside {StartupConfiguration.RelaxedEnvironmentNames}: the key of callers' pseudonyms, "
                + $"at least {PrivacyOptions.MinimumKeyLength} characters (openssl rand -base64 32); without it erasure and export answer 503 and old calls keep callers' numbers.");
        }

        foreach (var (key, variable, _) in TokenKeys)
        {
            var tokens = Tokens(configuration, key).ToArray();
            for (var i = 0; i < tokens.Length; i++)
            {
                var which = tokens.Length == 1 ? variable : $"{variable} (token {i + 1} of {tokens.Length})";
                if (IsPlaceholder(tokens[i]))
                {
                    problems.Add($"{which} is a known placeholder: operators' tokens read transcripts, export and erase callers; generate one with openssl rand -base64 32.");
                }
                else if (tokens[i].Length < MinimumTokenLength)
                {
                    problems.Add($"{which} is shorter than {MinimumTokenLength} characters: operators' tokens read transcripts, export and erase callers; generate one with openssl rand -base64 32.");
                }
            }
        }

        return problems;
    }

    /// <summary>
    /// The operator tokens configured under <paramref name="key"/> (one of <see cref="TokenKeys"/>), as the service
    /// authenticates them: a list split on commas, each trimmed, empty entries dropped; the admin token trimmed, whole.
    /// </summary>
    public static IEnumerable<string> Tokens(IConfiguration configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }

        return TokenKeys.Single(entry => entry.Key == key).IsList
            ? value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [value.Trim()];
    }

    /// <summary>
    /// An example rather than a secret: it contains <c>replace-me</c>, <c>changeme</c>, <c>placeholder</c> or <c>example</c>,
    /// is made only of words such as <c>secret</c>, <c>password</c>, <c>admin</c>, <c>token</c>, <c>test</c> (and digits), or
    /// repeats one character; case, punctuation and spaces ignored.
    /// </summary>
    public static bool IsPlaceholder(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var letters = new string(token.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        if (letters.Length == 0 || letters.All(c => c == letters[0]) || PlaceholderMarks.Any(mark => letters.Contains(mark, StringComparison.Ordinal)))
        {
            return true;
        }

        // Whether the whole of it splits into placeholder words and digits, with at least one word (digits alone may be a
        // random number): split[i] says how the first i characters do, if they do.
        var split = new Split[letters.Length + 1];
        split[0] = Split.Digits;
        for (var i = 0; i < letters.Length; i++)
        {
            if (split[i] == Split.None)
            {
                continue;
            }

            if (char.IsAsciiDigit(letters[i]))
            {
                split[i + 1] = (Split)Math.Max((int)split[i + 1], (int)split[i]);
            }

            foreach (var word in PlaceholderWords)
            {
                if (i + word.Length <= letters.Length && string.CompareOrdinal(letters, i, word, 0, word.Length) == 0)
                {
                    split[i + word.Length] = Split.Words;
                }
            }
        }

        return split[letters.Length] == Split.Words;
    }

    private enum Split
    {
        None,
        Digits,
        Words,
    }
}
