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
    SortedDictionary<string, double> Cores,
    MonitorFigures? Monitor = null,
    double? LagLimitSeconds = null,
    int? TargetLive = null,
    long NotSent = 0,
    double? AnsweredPerSecond = null)
{
    /// <summary>CPU of the service and PostgreSQL per call decided, in ms (with the monitor: the whole call's, in steady state).</summary>
    public double? CpuMsPerCall => CallsPerSecond > 0 && ServiceAndDatabaseCores is { } cores ? cores * 1000 / CallsPerSecond : null;

    /// <summary>CPU of the service and PostgreSQL per live call, in ms per second (= thousandths of a core).</summary>
    public double? CpuMsPerLiveCallSecond => Monitor?.LiveAverage is { } live && live > 0 && ServiceAndDatabaseCores is { } cores ? cores * 1000 / live : null;

    /// <summary>(Peak RSS − RSS of the service idle before the level) / most live calls.</summary>
    public double? MemoryKiBPerLiveCall => Monitor is { IdleRssKiB: { } idle, LiveMax: { } live } && live > 0 && PeakRssKiB is { } peak ? (peak - idle) / live : null;

    /// <summary>(Peak RSS − RSS of the service fresh after its start, before any call) / most live calls: an upper bound.</summary>
    public double? MemoryKiBPerLiveCallOverFresh => Monitor is { FreshRssKiB: { } fresh, LiveMax: { } live } && live > 0 && PeakRssKiB is { } peak ? (peak - fresh) / live : null;

    private double? ServiceAndDatabaseCores => Cores.TryGetValue("service", out var service) ? service + Cores.GetValueOrDefault("postgres") : null;

    /// <summary>The capacity level's verdict: errors, or the transcripts' lag p99 over the limit.</summary>
    public bool Exceeded => Errors > 0 || (LagLimitSeconds is { } limit && Monitor is { } monitor && monitor.LagP99(limit).Over);

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

            if (TargetLive is { } target)
            {
                json.WriteNumber("target_live", target);
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
            if (NotSent > 0)
            {
                // Open loop, the service far behind: the window's calls given up unsent (their latency, a lower bound, is
                // in the percentiles), and what it did answer meanwhile, calls due earlier included.
                json.WriteNumber("not_sent", NotSent);
                if (AnsweredPerSecond is { } answered)
                {
                    json.WriteNumber("answered_per_s", Math.Round(answered, 1));
                }
            }

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
            if (Monitor is { } monitor)
            {
                WriteMonitor(json, monitor);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private void WriteMonitor(Utf8JsonWriter json, MonitorFigures monitor)
    {
        json.WriteStartObject("monitor");
        Number(json, "live_avg", monitor.LiveAverage, 1);
        Number(json, "live_max", monitor.LiveMax, 0);
        Number(json, "lag_p50_s", monitor.ServiceLagP50Seconds, 4);
        Number(json, "lag_p99_s", monitor.ServiceLagP99Seconds, 4);
        Number(json, "lag_count", monitor.ServiceLagCount, 0);
        if (monitor.Database is { } db)
        {
            json.WriteNumber("calls_ended", db.CallsEnded);
            json.WriteNumber("transcripts_stored", db.TranscriptsStored);
            json.WriteNumber("summaries_done", db.SummariesDone);
            json.WriteNumber("summaries_pending_at_end", db.SummariesPendingAtEnd);
            json.WriteNumber("commit_lag_rows", db.LagRows);
            json.WriteNumber("commit_lag_unstored", db.Unstored);
            Number(json, "commit_lag_p50_s", db.LagP50Seconds, 4);
            Number(json, "commit_lag_p99_s", db.LagP99Seconds, 4);
            Number(json, "commit_lag_max_s", db.LagMaxSeconds, 4);
            if (db.LagError is { } error)
            {
                json.WriteString("commit_lag_error", error);
            }
        }

        if (LagLimitSeconds is { } limit)
        {
            var (p99, source, over) = monitor.LagP99(limit);
            json.WriteNumber("lag_limit_s", limit);
            Number(json, "judged_lag_p99_s", p99, 4);
            json.WriteString("judged_lag_source", source);
            json.WriteBoolean("exceeded", Exceeded);
            _ = over;
        }

        Number(json, "idle_rss_mib", monitor.IdleRssKiB / 1024.0, 1);
        Number(json, "cpu_ms_per_call", CpuMsPerCall, 3);
        Number(json, "cpu_ms_per_live_call_s", CpuMsPerLiveCallSecond, 3);
        Number(json, "mem_kib_per_live_call", MemoryKiBPerLiveCall, 1);
        Number(json, "fresh_rss_mib", monitor.FreshRssKiB / 1024.0, 1);
        Number(json, "mem_kib_per_live_call_over_fresh", MemoryKiBPerLiveCallOverFresh, 1);
        json.WriteStartObject("fake");
        foreach (var (name, value) in monitor.Fake)
        {
            json.WriteNumber(name, value);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter json, string name, double? value, int digits)
    {
        if (value is { } number && double.IsFinite(number))
        {
            json.WriteNumber(name, Math.Round(number, digits));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    public string ToSummary()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Label}: {Concurrency} senders");
        text.Append(OfferedRate > 0 ? string.Create(CultureInfo.InvariantCulture, $" offering {OfferedRate:0} calls/s (open loop)") : "");
        text.Append(CultureInfo.InvariantCulture, $", {Requests} calls in {WindowSeconds:0.0} s = {CallsPerSecond:0} calls/s; ");
        text.Append(CultureInfo.InvariantCulture, $"latency p50 {P50Ms:0.00} ms, p95 {P95Ms:0.00} ms, p99 {P99Ms:0.00} ms, max {MaxMs:0.0} ms; ");
        text.Append(CultureInfo.InvariantCulture, $"errors {Errors}");
        if (NotSent > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" ({NotSent} calls of the window not sent: the service fell more than the overrun behind; it answered {AnsweredPerSecond:0} calls/s meanwhile, calls due before the window included; the percentiles are lower bounds)");
        }

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

        if (Monitor is { } monitor)
        {
            static string F(double? value, string format, double scale = 1) =>
                value is { } v && double.IsFinite(v) ? (v * scale).ToString(format, CultureInfo.InvariantCulture) : "n/a";
            text.Append(CultureInfo.InvariantCulture, $"; monitor: live calls avg {F(monitor.LiveAverage, "0")} max {F(monitor.LiveMax, "0")}");
            text.Append(CultureInfo.InvariantCulture, $", transcript lag (service histogram) p50 {F(monitor.ServiceLagP50Seconds, "0.0", 1000)} ms p99 {F(monitor.ServiceLagP99Seconds, "0.0", 1000)} ms");
            if (monitor.Database is { } db)
            {
                text.Append(CultureInfo.InvariantCulture, $", send-to-commit lag p50 {F(db.LagP50Seconds, "0.0", 1000)} ms p99 {F(db.LagP99Seconds, "0.0", 1000)} ms max {F(db.LagMaxSeconds, "0.0", 1000)} ms ({db.LagRows} rows, {db.Unstored} sent not stored within the grace)");
                text.Append(CultureInfo.InvariantCulture, $", in the window: {db.CallsEnded} calls ended, {db.TranscriptsStored} transcript rows, {db.SummariesDone} summaries ({db.SummariesPendingAtEnd} pending at the end)");
            }

            text.Append(CultureInfo.InvariantCulture, $", CPU {F(CpuMsPerCall, "0.00")} ms per call, {F(CpuMsPerLiveCallSecond, "0.00")} ms/s per live call, memory {F(MemoryKiBPerLiveCall, "0")} KiB per live call over the idle RSS before the level ({F(monitor.IdleRssKiB / 1024.0, "0")} MiB), {F(MemoryKiBPerLiveCallOverFresh, "0")} over the fresh service's ({F(monitor.FreshRssKiB / 1024.0, "0")} MiB)");
            if (monitor.Fake.Count > 0)
            {
                text.Append("; fake OpenAI: ").AppendJoin(", ", monitor.Fake.Where(pair => pair.Value != 0).Select(pair => $"{pair.Key} {pair.Value}"));
            }

            if (LagLimitSeconds is { } limit)
            {
                var (p99, source, _) = monitor.LagP99(limit);
                text.Append(CultureInfo.InvariantCulture, $"; capacity verdict: lag p99 {F(p99, "0.0", 1000)} ms ({source}) against {limit * 1000:0} ms, errors {Errors}: {(Exceeded ? "EXCEEDED" : "held")}");
            }
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
