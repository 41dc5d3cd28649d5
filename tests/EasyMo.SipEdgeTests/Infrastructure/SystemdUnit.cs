using System.Text.RegularExpressions;

namespace EasyMo.SipEdgeTests.Infrastructure;

/// <summary>
/// A systemd unit file read as systemd reads the parts the tests use: sections of <c>Key=Value</c> lines (a key may
/// repeat), <c>Environment=</c> assignments, and the <c>Exec*=</c> command lines with <c>${VAR}</c> expanded. The tests
/// run the edge with the unit's own commands, so that what they prove is what the unit does.
/// </summary>
internal sealed partial class SystemdUnit
{
    private readonly Dictionary<string, List<string>> entries = new(StringComparer.Ordinal);

    private SystemdUnit(string path) => Path = path;

    public string Path { get; }

    public static SystemdUnit Load(string path)
    {
        var unit = new SystemdUnit(path);
        var section = string.Empty;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1];
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals < 1)
            {
                throw new FormatException($"{path}: not a Key=Value line: {raw}");
            }

            var key = $"{section}.{line[..equals].Trim()}";
            if (!unit.entries.TryGetValue(key, out var values))
            {
                unit.entries[key] = values = [];
            }

            values.Add(line[(equals + 1)..].Trim());
        }

        return unit;
    }

    /// <summary>Every key present, as <c>Section.Key</c>.</summary>
    public IEnumerable<string> Keys => entries.Keys;

    /// <summary>The values of <c>Section.Key</c>, in order (empty when absent).</summary>
    public IReadOnlyList<string> Values(string key) => entries.TryGetValue(key, out var values) ? values : [];

    /// <summary>The last value of <c>Section.Key</c> (the one systemd uses for a single-valued key), or null.</summary>
    public string? Value(string key) => entries.TryGetValue(key, out var values) ? values[^1] : null;

    /// <summary>The unit's <c>Environment=</c> assignments, later ones winning.</summary>
    public Dictionary<string, string> Environment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Values("Service.Environment"))
        {
            foreach (Match assignment in Assignment().Matches(line))
            {
                environment[assignment.Groups["name"].Value] = assignment.Groups["value"].Value.Trim('"', '\'');
            }
        }

        return environment;
    }

    /// <summary>
    /// The command of an <c>Exec*</c> key as systemd would run it: split on spaces, its prefixes (<c>-</c>, <c>+</c>, <c>!</c>,
    /// <c>@</c>) removed, <c>${VAR}</c> replaced from the unit's environment overridden by <paramref name="environment"/>.
    /// </summary>
    public IReadOnlyList<string> Command(string key, IReadOnlyDictionary<string, string>? environment = null)
    {
        var line = Value(key) ?? throw new InvalidOperationException($"{Path} has no {key}.");
        var variables = Environment();
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        words[0] = words[0].TrimStart('-', '+', '!', '@', ':');
        return words.Select(word => Variable().Replace(word, match => variables.TryGetValue(match.Groups[1].Value, out var value)
            ? value
            : throw new InvalidOperationException($"{Path}: {key} uses ${{{match.Groups[1].Value}}}, which no Environment= sets."))).ToList();
    }

    [GeneratedRegex("""(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>"[^"]*"|'[^']*'|\S*)""")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Variable();
}
