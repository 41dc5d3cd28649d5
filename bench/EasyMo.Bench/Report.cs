using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EasyMo.Bench;

/// <summary>
/// The markdown table of a run, from its JSON lines: <c>kind</c> <c>service</c> and <c>bare</c> levels written by
/// <c>load</c>, and one <c>pgbench</c> line written by run.sh. Then the issue's targets at the highest level.
/// </summary>
public static class Report
{
    public const double TargetCallsPerSecond = 1000;
    public const double TargetP99Ms = 50;
    public const double TargetShareOfPgbench = 0.5;

    public static int Run(BenchArgs args)
    {
        var lines = File.ReadAllLines(args.Required("results"))
            .Where(line => line.TrimStart().StartsWith('{'))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToList();
        var service = ByConcurrency(lines, "service");
        var bare = ByConcurrency(lines, "bare");
        var pgbench = lines.LastOrDefault(line => Kind(line) == "pgbench");
        double? pgTps = pgbench.ValueKind == JsonValueKind.Object ? pgbench.GetProperty("tps").GetDouble() : null;
        var pgClients = pgTps is null ? 0 : pgbench.GetProperty("clients").GetInt32();

        var text = new StringBuilder();
        text.AppendLine("| senders | service calls/s | p50 ms | p95 ms | p99 ms | peak RSS MiB | errors | bare calls/s | bare p99 ms | service/bare | service/pgbench |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var level in service.Keys.Union(bare.Keys).Order())
        {
            var s = service.GetValueOrDefault(level);
            var b = bare.GetValueOrDefault(level);
            text.Append(CultureInfo.InvariantCulture, $"| {level} ");
            text.Append(CultureInfo.InvariantCulture, $"| {Num(s, "calls_per_s", "0")} | {Num(s, "p50_ms", "0.0")} | {Num(s, "p95_ms", "0.0")} | {Num(s, "p99_ms", "0.0")} ");
            text.Append(CultureInfo.InvariantCulture, $"| {Num(s, "peak_rss_mib", "0")} | {Num(s, "errors", "0")} ");
            text.Append(CultureInfo.InvariantCulture, $"| {Num(b, "calls_per_s", "0")} | {Num(b, "p99_ms", "0.0")} ");
            text.Append(CultureInfo.InvariantCulture, $"| {Ratio(Value(s, "calls_per_s"), Value(b, "calls_per_s"))} | {Ratio(Value(s, "calls_per_s"), pgTps)} |");
            text.AppendLine();
        }

        text.AppendLine();
        if (pgTps is { } tps)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"pgbench ceiling (the service's SQL per call, bench/pgbench/call.sql, {pgClients} clients, durable cluster): {tps:0} calls/s, average latency {pgbench.GetProperty("latency_avg_ms").GetDouble():0.0} ms.");
        }

        foreach (var open in lines.Where(line => Kind(line) == "service-open"))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Open loop, {open.GetProperty("offered_rate").GetDouble():0} calls/s offered by {open.GetProperty("concurrency").GetInt32()} senders (latency from each call's due time): {open.GetProperty("calls_per_s").GetDouble():0} calls/s answered, p50 {open.GetProperty("p50_ms").GetDouble():0.0} ms, p95 {open.GetProperty("p95_ms").GetDouble():0.0} ms, p99 {open.GetProperty("p99_ms").GetDouble():0.0} ms, {open.GetProperty("errors").GetInt64()} errors.");
        }

        var lean = lines.LastOrDefault(line => Kind(line) == "pgbench-lean");
        if (lean.ValueKind == JsonValueKind.Object)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"pgbench without the pool resets (bench/pgbench/call-lean.sql): {lean.GetProperty("tps").GetDouble():0} calls/s, average latency {lean.GetProperty("latency_avg_ms").GetDouble():0.0} ms.");
        }

        text.AppendLine();

        if (service.Count > 0)
        {
            var top = service.Keys.Max();
            var s = service[top];
            var calls = s.GetProperty("calls_per_s").GetDouble();
            var p99 = s.GetProperty("p99_ms").GetDouble();
            text.AppendLine(CultureInfo.InvariantCulture, $"Targets at {top} senders:");
            text.AppendLine(CultureInfo.InvariantCulture, $"- ≥ {TargetCallsPerSecond:0} calls/s: {calls:0} calls/s — {Verdict(calls >= TargetCallsPerSecond)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"- p99 ≤ {TargetP99Ms:0} ms: {p99:0.0} ms — {Verdict(p99 <= TargetP99Ms)}");
            if (pgTps is { } ceiling)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"- ≥ {TargetShareOfPgbench:0%} of the pgbench ceiling: {calls / ceiling:0%} — {Verdict(calls >= TargetShareOfPgbench * ceiling)}");
            }

            if (s.TryGetProperty("cores", out var cores))
            {
                text.AppendLine("- cores in use at that level: " + string.Join(", ",
                    cores.EnumerateObject().Select(core => string.Create(CultureInfo.InvariantCulture, $"{core.Name} {core.Value.GetDouble():0.00}"))));
            }
        }

        Console.Out.Write(text.ToString());
        return 0;
    }

    private static string Kind(JsonElement line) => line.TryGetProperty("kind", out var kind) ? kind.GetString() ?? "" : "";

    private static Dictionary<int, JsonElement> ByConcurrency(List<JsonElement> lines, string kind) =>
        lines.Where(line => Kind(line) == kind)
            .GroupBy(line => line.GetProperty("concurrency").GetInt32())
            .ToDictionary(group => group.Key, group => group.Last());

    private static double? Value(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value.GetDouble() : null;

    private static string Num(JsonElement element, string name, string format) =>
        Value(element, name) is { } value ? value.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static string Ratio(double? numerator, double? denominator) =>
        numerator is { } n && denominator is { } d && d > 0 ? (n / d).ToString("0.00", CultureInfo.InvariantCulture) : "–";

    private static string Verdict(bool met) => met ? "met" : "NOT met";
}
