using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EasyMo.Bench;

/// <summary>
/// Compares the statements the service issued per call (from pg_stat_statements: <c>calls per call|query</c> lines) with
/// those of a pgbench script, by their text up to the first value (<c>VALUES</c>, <c>WHERE</c>, <c>=</c>, a parameter in
/// parentheses, the <c>SELECT</c> of an <c>INSERT … SELECT</c>): the tables, the columns written and read. A statement
/// counts for the service as many times per call as its rounded rate (one issued for one call in five, such as a summary
/// sweep's batch claim, counts 0, as in the script). Says <c>ok</c>, or each statement that differs — in the service and
/// not in the script, in the script and no longer in the service, or issued a different number of times — so that a
/// change of the service's SQL does not go unnoticed by the pgbench ceiling.
/// </summary>
public static partial class MirrorCheck
{
    public static int Run(BenchArgs args)
    {
        var scriptPath = args.Required("script");
        var scriptName = Path.GetFileName(scriptPath);
        var calls = args.Get("calls");
        var service = new SortedDictionary<string, (int Count, double PerCall)>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(args.Required("stats")))
        {
            var bar = line.IndexOf('|', StringComparison.Ordinal);
            if (bar <= 0 || !double.TryParse(line[..bar], NumberStyles.Float, CultureInfo.InvariantCulture, out var perCall))
            {
                continue;
            }

            var count = (int)Math.Round(perCall, MidpointRounding.AwayFromZero);
            if (count > 0 && !IsTransactionSetup(line[(bar + 1)..]))
            {
                var key = Key(line[(bar + 1)..]);
                var (sum, rate) = service.GetValueOrDefault(key);
                service[key] = (sum + count, rate + perCall);
            }
        }

        if (!File.Exists(scriptPath))
        {
            Console.Out.WriteLine($"mirror check: no {scriptName} yet; {service.Values.Sum(entry => entry.Count)} statements per call by the service (write the script from the capture, see its header)");
            return 1;
        }

        var script = new SortedDictionary<string, int>(StringComparer.Ordinal);
        // A statement after a "-- mirror-check: shared" line is one the service issues for many calls at once (per instance
        // and interval, so below one per call in pg_stat_statements' rates): it stays in the script, uncompared.
        // Its rate in the service depends on the load (a transcript batch held one call's turns alone and four calls' under
        // load), so the service's statement of the same shape is left uncompared too.
        var lines = new List<string>();
        var sharedLines = new List<string>();
        var shared = false;
        foreach (var line in File.ReadAllLines(scriptPath).Select(line => line.Trim()))
        {
            if (line.StartsWith(SharedMarker, StringComparison.Ordinal))
            {
                shared = true;
            }
            else if (!line.StartsWith("--", StringComparison.Ordinal) && !line.StartsWith('\\'))
            {
                (shared ? sharedLines : lines).Add(GsetSuffix().Replace(line, ";")); // \gset ends a statement too
                shared &= !line.EndsWith(';');
            }
        }

        foreach (var key in Statements(sharedLines).Select(Key))
        {
            service.Remove(key);
        }

        foreach (var key in Statements(lines).Where(statement => !IsTransactionSetup(statement)).Select(Key))
        {
            script[key] = script.GetValueOrDefault(key) + 1;
        }

        var serviceTotal = service.Values.Sum(entry => entry.Count);
        var scriptTotal = script.Values.Sum();
        var differences = service.Keys.Union(script.Keys)
            .Where(key => service.GetValueOrDefault(key).Count != script.GetValueOrDefault(key))
            .Select(key =>
            {
                var (count, rate) = service.GetValueOrDefault(key);
                var scripted = script.GetValueOrDefault(key);
                var what = count == 0 ? "only in the script (no longer issued by the service)"
                    : scripted == 0 ? "only in the service (missing from the script)"
                    : "issued a different number of times";
                return string.Create(CultureInfo.InvariantCulture, $"  - {what}: service {count} per call ({rate:0.00}), script {scripted}: {key}");
            })
            .ToList();
        var basis = calls is null ? "" : $" (over {calls} calls)";
        if (differences.Count == 0)
        {
            Console.Out.WriteLine($"mirror check {scriptName}: ok, {serviceTotal} statements per call by the service{basis}, the same in the script");
            return 0;
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"mirror check {scriptName}: MISMATCH, the script no longer mirrors the service: {serviceTotal} statements per call by the service{basis}, {scriptTotal} in the script; {differences.Count} differ:");
        differences.ForEach(line => report.AppendLine(line));
        report.Append(CultureInfo.InvariantCulture, $"  (regenerate: bench/run.sh --capture-sql, then see the header of {scriptName})");
        Console.Out.WriteLine(report.ToString());
        return 1;
    }

    /// <summary>
    /// <c>BEGIN …</c>, <c>SET LOCAL …</c> and <c>COMMIT</c>, left out on both sides: pg_stat_statements counts them
    /// unreliably when they are sent in a pipelined batch (the claim's batch: 569 <c>BEGIN</c>s recorded for 39,621 claims,
    /// and its <c>COMMIT</c>s not at all), while the statements they frame are counted exactly.
    /// </summary>
    internal static bool IsTransactionSetup(string statement)
    {
        var trimmed = statement.Trim();
        return trimmed.StartsWith("BEGIN", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("SET LOCAL ", StringComparison.OrdinalIgnoreCase)
            || trimmed.Equals("COMMIT", StringComparison.OrdinalIgnoreCase);
    }

    private const string SharedMarker = "-- mirror-check: shared";

    /// <summary>The statements of a script's lines (each ends with a semicolon).</summary>
    private static IEnumerable<string> Statements(IEnumerable<string> lines) =>
        string.Join(' ', lines).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// A statement's text up to its first value, whitespace collapsed, and constants (which pg_stat_statements shows as
    /// <c>$n</c>) written <c>?</c> wherever they are.
    /// </summary>
    internal static string Key(string statement)
    {
        var normalized = Constant().Replace(Whitespace().Replace(statement, " ").Trim(), "?");
        var match = FirstValue().Match(normalized);
        return match.Success && match.Index > 0 ? normalized[..match.Index].TrimEnd() : normalized;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\\gset\s+\w+\s*$")]
    private static partial Regex GsetSuffix();

    /// <summary>A string literal, a parameter (<c>$1</c>) or a number standing alone.</summary>
    [GeneratedRegex(@"'(?:[^']|'')*'|(?<![\w.$])(?:\$\d+|\d+(?:\.\d+)?)(?![\w.])")]
    private static partial Regex Constant();

    /// <summary>Where the values begin: <c> VALUES</c>, <c> WHERE </c>, <c> = </c>, <c>(</c> before a constant or pgbench variable, <c>) SELECT </c>, the arrays of <c>unnest(</c>.</summary>
    [GeneratedRegex(@" VALUES| WHERE | = |\((?=[?:])|\) SELECT |(?<= unnest)\(")]
    private static partial Regex FirstValue();
}
