using System.Globalization;
using System.Text.RegularExpressions;

namespace EasyMo.Bench;

/// <summary>
/// Compares the statements the service issued per call (from pg_stat_statements: <c>calls per accepted call|query</c>
/// lines) with those of the pgbench script, by their text up to the first value (<c>VALUES</c>, <c>WHERE</c> or
/// <c>=</c>): the tables, the columns written and read. Says <c>ok</c>, or what differs, so that a change of the
/// service's SQL does not go unnoticed by the pgbench ceiling.
/// </summary>
public static partial class MirrorCheck
{
    private static readonly string[] ValueMarkers = [" VALUES", " WHERE ", " = "];

    public static int Run(BenchArgs args)
    {
        var service = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(args.Required("stats")))
        {
            var bar = line.IndexOf('|', StringComparison.Ordinal);
            if (bar <= 0 || !double.TryParse(line[..bar], NumberStyles.Float, CultureInfo.InvariantCulture, out var perCall))
            {
                continue;
            }

            var count = (int)Math.Round(perCall);
            if (count > 0)
            {
                var key = Key(line[(bar + 1)..]);
                service[key] = service.GetValueOrDefault(key) + count;
            }
        }

        var script = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var text = string.Join(' ', File.ReadAllLines(args.Required("script"))
            .Select(line => line.Trim())
            .Where(line => !line.StartsWith("--", StringComparison.Ordinal) && !line.StartsWith('\\'))
            .Select(line => GsetSuffix().Replace(line, ";"))); // \gset ends a statement too
        foreach (var statement in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var key = Key(statement);
            script[key] = script.GetValueOrDefault(key) + 1;
        }

        var differences = service.Keys.Union(script.Keys)
            .Where(key => service.GetValueOrDefault(key) != script.GetValueOrDefault(key))
            .Select(key => $"'{key}' {service.GetValueOrDefault(key)} per call by the service, {script.GetValueOrDefault(key)} in the script")
            .ToList();
        Console.Out.WriteLine(differences.Count == 0
            ? $"mirror check: ok, {service.Values.Sum()} statements per call by the service, the same in {Path.GetFileName(args.Required("script"))}"
            : $"mirror check: MISMATCH, {Path.GetFileName(args.Required("script"))} no longer mirrors the service: " + string.Join("; ", differences));
        return differences.Count == 0 ? 0 : 1;
    }

    private static string Key(string statement)
    {
        var normalized = Whitespace().Replace(statement, " ").Trim();
        var end = ValueMarkers.Select(marker => normalized.IndexOf(marker, StringComparison.Ordinal)).Where(at => at > 0).DefaultIfEmpty(normalized.Length).Min();
        return normalized[..end];
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\\gset\s+\w+\s*$")]
    private static partial Regex GsetSuffix();
}
