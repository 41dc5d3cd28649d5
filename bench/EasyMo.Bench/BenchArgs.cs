using System.Globalization;

namespace EasyMo.Bench;

/// <summary><c>--name value</c> pairs (repeatable) and bare <c>--flag</c>s.</summary>
public sealed class BenchArgs
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public static BenchArgs Parse(ReadOnlySpan<string> args)
    {
        var parsed = new BenchArgs();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length < 3)
            {
                throw new ArgumentException($"expected an option, got '{name}'");
            }

            var value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
            if (!parsed._values.TryGetValue(name[2..], out var list))
            {
                parsed._values[name[2..]] = list = [];
            }

            list.Add(value);
        }

        return parsed;
    }

    public string? Get(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public string Required(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required");

    public bool Flag(string name) => Get(name) is { } value && value != "false";

    public int Int(string name, int? fallback = null) =>
        Get(name) is { } text
            ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw new ArgumentException($"--{name} must be an integer")
            : fallback ?? throw new ArgumentException($"--{name} is required");

    public double Double(string name, double? fallback = null) =>
        Get(name) is { } text
            ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : throw new ArgumentException($"--{name} must be a number")
            : fallback ?? throw new ArgumentException($"--{name} is required");

    /// <summary>Seconds, as <c>20</c>, <c>20s</c> or <c>1m</c>.</summary>
    public TimeSpan Seconds(string name, double? fallback = null)
    {
        var text = Get(name);
        if (text is null)
        {
            return fallback is { } seconds ? TimeSpan.FromSeconds(seconds) : throw new ArgumentException($"--{name} is required");
        }

        var factor = 1.0;
        if (text.EndsWith('m'))
        {
            factor = 60;
            text = text[..^1];
        }
        else if (text.EndsWith('s'))
        {
            text = text[..^1];
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? TimeSpan.FromSeconds(value * factor)
            : throw new ArgumentException($"--{name} must be a duration in seconds");
    }
}
