using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EasyMo.Bench;

/// <summary>One load level's figures: a JSON line for machines, a paragraph for people.</summary>
public sealed record LevelResult(
    string Kind,
    string Label,
    string Url,
    int Concurrency,
    double OfferedRate,
    double WarmupSeconds,
    double WindowSeconds,
    long Requests,
    double CallsPerSecond,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MaxMs,
    double MeanMs,
    long Errors,
    SortedDictionary<string, long> Statuses,
    SortedDictionary<string, long> Outcomes,
    int? Pid,
    bool PeakRssReset,
    long? PeakRssKiB,
    long? RssKiB,
    SortedDictionary<string, double> Cores)
{
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("kind", Kind);
            json.WriteString("label", Label);
            json.WriteString("url", Url);
            json.WriteNumber("concurrency", Concurrency);
            if (OfferedRate > 0)
            {
                json.WriteNumber("offered_rate", OfferedRate);
            }

            json.WriteNumber("warmup_s", Math.Round(WarmupSeconds, 3));
            json.WriteNumber("window_s", Math.Round(WindowSeconds, 3));
            json.WriteNumber("requests", Requests);
            json.WriteNumber("calls_per_s", Math.Round(CallsPerSecond, 1));
            json.WriteNumber("p50_ms", Math.Round(P50Ms, 3));
            json.WriteNumber("p95_ms", Math.Round(P95Ms, 3));
            json.WriteNumber("p99_ms", Math.Round(P99Ms, 3));
            json.WriteNumber("max_ms", Math.Round(MaxMs, 3));
            json.WriteNumber("mean_ms", Math.Round(MeanMs, 3));
            json.WriteNumber("errors", Errors);
            WriteMap(json, "status", Statuses);
            WriteMap(json, "outcomes", Outcomes);
            if (Pid is { } pid)
            {
                json.WriteNumber("pid", pid);
                json.WriteBoolean("peak_rss_reset", PeakRssReset);
            }

            if (PeakRssKiB is { } peak)
            {
                json.WriteNumber("peak_rss_mib", Math.Round(peak / 1024.0, 1));
            }

            if (RssKiB is { } rss)
            {
                json.WriteNumber("rss_end_mib", Math.Round(rss / 1024.0, 1));
            }

            json.WriteStartObject("cores");
            foreach (var (name, value) in Cores)
            {
                json.WriteNumber(name, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public string ToSummary()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Label}: {Concurrency} senders");
        text.Append(OfferedRate > 0 ? string.Create(CultureInfo.InvariantCulture, $" offering {OfferedRate:0} calls/s (open loop)") : "");
        text.Append(CultureInfo.InvariantCulture, $", {Requests} calls in {WindowSeconds:0.0} s = {CallsPerSecond:0} calls/s; ");
        text.Append(CultureInfo.InvariantCulture, $"latency p50 {P50Ms:0.00} ms, p95 {P95Ms:0.00} ms, p99 {P99Ms:0.00} ms, max {MaxMs:0.0} ms; ");
        text.Append(CultureInfo.InvariantCulture, $"errors {Errors}");
        if (Errors > 0 || Statuses.Count > 1)
        {
            text.Append(" (status ").AppendJoin(", ", Statuses.Select(pair => $"{pair.Key}: {pair.Value}")).Append(')');
        }

        if (PeakRssKiB is { } peak)
        {
            text.Append(CultureInfo.InvariantCulture, $"; peak RSS of {Pid}: {peak / 1024.0:0} MiB");
        }

        if (Cores.Count > 0)
        {
            text.Append("; cores used: ").AppendJoin(", ", Cores.Select(pair => string.Create(CultureInfo.InvariantCulture, $"{pair.Key} {pair.Value:0.00}")));
        }

        return text.ToString();
    }

    private static void WriteMap(Utf8JsonWriter json, string name, SortedDictionary<string, long> map)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            json.WriteNumber(key, value);
        }

        json.WriteEndObject();
    }
}
