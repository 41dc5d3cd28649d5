using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EasyMo.Bench;

/// <summary>
/// The markdown tables of a run, from its JSON lines: <c>service</c> (decision-only), <c>monitored</c>, <c>capacity</c> and
/// <c>bare</c> levels written by <c>load</c> (and their <c>-open</c> open-loop levels), and the <c>pgbench</c> lines written
/// by run.sh. Then the issues' targets.
/// </summary>
public static class Report
{
    public const double TargetCallsPerSecond = 1000;
    public const double TargetP99Ms = 50;
    public const double TargetShareOfPgbench = 0.5;

    /// <summary>Issue 17: monitored throughput at the highest level, as a share of the decision-only throughput of the same run.</summary>
    public const double TargetMonitoredShare = 0.8;

    /// <summary>Issue 17: 1,000 concurrent monitored calls within 1 GiB.</summary>
    public const int TargetLiveCalls = 1000;

    public const double TargetMemoryMiB = 1024;

    /// <summary>Issue 17: the decision's p99 at 500 calls/s offered (open loop) with the monitor on.</summary>
    public const double TargetOpenRate = 500;

    public static int Run(BenchArgs args)
    {
        var lines = File.ReadAllLines(args.Required("results"))
            .Where(line => line.TrimStart().StartsWith('{'))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToList();
        var service = ByConcurrency(lines, "service");
        var monitored = ByConcurrency(lines, "monitored");
        var bare = ByConcurrency(lines, "bare");
        var example = ByConcurrency(lines, "example");
        var pgbench = lines.LastOrDefault(line => Kind(line) == "pgbench");
        double? pgTps = pgbench.ValueKind == JsonValueKind.Object ? pgbench.GetProperty("tps").GetDouble() : null;
        var pgClients = pgTps is null ? 0 : pgbench.GetProperty("clients").GetInt32();
        var pgMonitored = lines.LastOrDefault(line => Kind(line) == "pgbench-monitored");
        double? pgMonitoredTps = pgMonitored.ValueKind == JsonValueKind.Object ? pgMonitored.GetProperty("tps").GetDouble() : null;

        var text = new StringBuilder();
        if (service.Count > 0 || bare.Count > 0)
        {
            text.AppendLine("Decision only (the sideband monitor off, no live-call ceiling):");
            text.AppendLine();
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
        }

        if (monitored.Count > 0)
        {
            text.AppendLine("Monitored (every call followed over the fake's realtime socket to its end, a live-call ceiling; lag: transcript event to its row's commit):");
            text.AppendLine();
            text.AppendLine("| senders | monitored calls/s | decision-only calls/s | monitored/decision-only | p50 ms | p99 ms | lag p50 / p99 ms (service) | send→commit p50 / p99 ms | live calls avg / max | CPU ms per call | CPU ms/s per live call | memory KiB per live call | peak RSS MiB | errors |");
            text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (level, m) in monitored.OrderBy(pair => pair.Key))
            {
                var s = service.GetValueOrDefault(level);
                text.Append(CultureInfo.InvariantCulture, $"| {level} | {Num(m, "calls_per_s", "0")} | {Num(s, "calls_per_s", "0")} | {Ratio(Value(m, "calls_per_s"), Value(s, "calls_per_s"))} ");
                text.Append(CultureInfo.InvariantCulture, $"| {Num(m, "p50_ms", "0.0")} | {Num(m, "p99_ms", "0.0")} ");
                text.Append(CultureInfo.InvariantCulture, $"| {Lag(m, "lag_p50_s")} / {Lag(m, "lag_p99_s")} | {Lag(m, "commit_lag_p50_s")} / {Lag(m, "commit_lag_p99_s")} ");
                text.Append(CultureInfo.InvariantCulture, $"| {Mon(m, "live_avg", "0")} / {Mon(m, "live_max", "0")} | {Mon(m, "cpu_ms_per_call", "0.00")} | {Mon(m, "cpu_ms_per_live_call_s", "0.00")} | {Mon(m, "mem_kib_per_live_call", "0")} ");
                text.Append(CultureInfo.InvariantCulture, $"| {Num(m, "peak_rss_mib", "0")} | {Num(m, "errors", "0")} |");
                text.AppendLine();
            }

            text.AppendLine();
            if (monitored.Values.Any(m => Mon(m, "lag_p99_s") is null))
            {
                text.AppendLine("\"n/a\" for the service's lag: the service did not export easymo_transcript_store_lag_seconds (or stored no transcript in the window).");
            }

            text.AppendLine("send→commit: from the fake sending the transcript to the commit of its row (pg_xact_commit_timestamp), measured from the database; \"over\" when more than 1% of the window's transcripts were not stored within the grace after it.");
            foreach (var (level, m) in monitored.OrderBy(pair => pair.Key))
            {
                if (Monitor(m) is { } detail && detail.TryGetProperty("calls_ended", out _))
                {
                    text.AppendLine(CultureInfo.InvariantCulture,
                        $"- {level} senders: memory per live call {Mon(m, "mem_kib_per_live_call", "0")} KiB over the RSS idle before the level ({Mon(m, "idle_rss_mib", "0")} MiB), {Mon(m, "mem_kib_per_live_call_over_fresh", "0")} KiB over the fresh service's ({Mon(m, "fresh_rss_mib", "0")} MiB); in the measured window: {Mon(m, "calls_ended", "0")} calls ended, {Mon(m, "transcripts_stored", "0")} transcript rows stored, {Mon(m, "summaries_done", "0")} summaries made ({Mon(m, "summaries_pending_at_end", "0")} pending at its end); fake OpenAI: {Fake(m, "sockets_opened")} sockets opened, {Fake(m, "sockets_ended_by_fake")} ended by the fake, {Fake(m, "sockets_ended_by_service")} by the service, {Fake(m, "transcripts_sent")} transcripts sent, {Fake(m, "tool_outputs_received")} tool outputs, {Fake(m, "responses")} summaries answered, {Fake(m, "greeting_timeouts")} + {Fake(m, "tool_output_timeouts")} waits timed out; cores: {Cores(m)}.");
                }
            }

            text.AppendLine();
        }

        if (example.Count > 0)
        {
            text.AppendLine("OpenAI's example (bench/openai-example, openai-agents-js realtime-twilio-sip: accepts each call and follows it over the sideband socket to its end, storing nothing), the same fake and levels; EasyMO's figures are its monitored levels':");
            text.AppendLine();
            text.AppendLine("| senders | example calls/s | EasyMO monitored calls/s | EasyMO/example | example p50 / p99 ms | example cores | example CPU ms per call | EasyMO CPU ms per call (service + PostgreSQL) | calls/s per core: example / EasyMO | sockets followed / tool outputs answered |");
            text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (level, e) in example.OrderBy(pair => pair.Key))
            {
                var m = monitored.GetValueOrDefault(level);
                var exampleCores = CoreValue(e, "example");
                var easyMoCores = CoreValue(m, "service") + CoreValue(m, "postgres");
                var exampleRate = Value(e, "calls_per_s");
                var easyMoRate = Value(m, "calls_per_s");
                text.Append(CultureInfo.InvariantCulture, $"| {level} | {Num(e, "calls_per_s", "0")} | {Num(m, "calls_per_s", "0")} | {Ratio(easyMoRate, exampleRate)} ");
                text.Append(CultureInfo.InvariantCulture, $"| {Num(e, "p50_ms", "0.0")} / {Num(e, "p99_ms", "0.0")} | {CoresOf(e, "example")} ");
                text.Append(CultureInfo.InvariantCulture, $"| {Ratio(exampleCores * 1000, exampleRate)} | {Ratio(easyMoCores * 1000, easyMoRate)} ");
                text.Append(CultureInfo.InvariantCulture, $"| {Ratio(exampleRate, exampleCores)} / {Ratio(easyMoRate, easyMoCores)} | {Fake(e, "sockets_opened")} / {Fake(e, "tool_outputs_received")} |");
                text.AppendLine();
            }

            text.AppendLine();
        }

        if (pgTps is { } tps)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"pgbench ceiling (the service's SQL per decided call, bench/pgbench/call.sql, {pgClients} clients, durable cluster): {tps:0} calls/s, average latency {pgbench.GetProperty("latency_avg_ms").GetDouble():0.0} ms.");
        }

        if (pgMonitoredTps is { } monitoredTps)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"pgbench ceiling for monitored calls (bench/pgbench/monitored-call.sql, the statements of one monitored call, {pgMonitored.GetProperty("clients").GetInt32()} clients, same cluster): {monitoredTps:0} calls/s, average latency {pgMonitored.GetProperty("latency_avg_ms").GetDouble():0.0} ms.");
        }

        foreach (var open in lines.Where(line => Kind(line) is "service-open" or "monitored-open"))
        {
            var what = Kind(open) == "monitored-open" ? "monitored" : "decision only";
            text.Append(CultureInfo.InvariantCulture,
                $"Open loop ({what}), {open.GetProperty("offered_rate").GetDouble():0} calls/s offered by {open.GetProperty("concurrency").GetInt32()} senders (latency from each call's due time): {open.GetProperty("calls_per_s").GetDouble():0} calls/s answered, p50 {open.GetProperty("p50_ms").GetDouble():0.0} ms, p95 {open.GetProperty("p95_ms").GetDouble():0.0} ms, p99 {open.GetProperty("p99_ms").GetDouble():0.0} ms, {open.GetProperty("errors").GetInt64()} errors");
            if (Value(open, "not_sent") is { } notSent)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $" (**{notSent:0} of the window's calls not sent**: the service fell more than 15 s behind the schedule; it answered {Num(open, "answered_per_s", "0")} calls/s meanwhile, earlier calls included; the percentiles are lower bounds)");
            }

            if (Monitor(open) is not null)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"; live calls {Mon(open, "live_avg", "0")} (max {Mon(open, "live_max", "0")}), lag p99 {Lag(open, "lag_p99_s")} ms (service), send→commit p99 {Lag(open, "commit_lag_p99_s")} ms, CPU {Mon(open, "cpu_ms_per_live_call_s", "0.00")} ms/s per live call, memory {Mon(open, "mem_kib_per_live_call", "0")} KiB per live call");
            }

            text.AppendLine(".");
        }

        var lean = lines.LastOrDefault(line => Kind(line) == "pgbench-lean");
        if (lean.ValueKind == JsonValueKind.Object)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"pgbench without the pool resets (bench/pgbench/call-lean.sql): {lean.GetProperty("tps").GetDouble():0} calls/s, average latency {lean.GetProperty("latency_avg_ms").GetDouble():0.0} ms.");
        }

        text.AppendLine();
        var capacity = Capacity(lines, text);

        if (service.Count > 0)
        {
            var top = service.Keys.Max();
            var s = service[top];
            var calls = s.GetProperty("calls_per_s").GetDouble();
            var p99 = s.GetProperty("p99_ms").GetDouble();
            text.AppendLine(CultureInfo.InvariantCulture, $"Targets at {top} senders (decision only):");
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

        MonitoredTargets(lines, service, monitored, capacity, text);
        Console.Out.Write(text.ToString());
        return 0;
    }

    /// <summary>The capacity steps, and the answer; returns the steps (for the memory target).</summary>
    private static List<JsonElement> Capacity(List<JsonElement> lines, StringBuilder text)
    {
        var steps = lines.Where(line => Kind(line) == "capacity").ToList();
        if (steps.Count == 0)
        {
            return steps;
        }

        text.AppendLine("Capacity (long monitored calls held open loop, each speaking every turn interval; a step is judged by the lag p99 over its measured window, from the service's histogram when exported, else send→commit):");
        text.AppendLine();
        text.AppendLine("| live calls (target) | held avg / max | calls/s | lag p50 / p99 ms (service) | send→commit p50 / p99 ms | decision p99 ms | service cores | PostgreSQL cores | fake cores | peak RSS MiB | MiB over idle | KiB per live call (slope) | errors | verdict |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        double? idle = null;
        (double Rss, double Live)? previous = null;
        foreach (var step in steps)
        {
            idle ??= Mon(step, "idle_rss_mib") ?? null;
            var peak = Value(step, "peak_rss_mib");
            var live = Mon(step, "live_avg");
            string slope = "–";
            if (previous is { } p && peak is { } rss && live is { } now && now - p.Live > 0)
            {
                slope = ((rss - p.Rss) * 1024 / (now - p.Live)).ToString("0", CultureInfo.InvariantCulture);
            }

            if (peak is { } r && live is { } l)
            {
                previous = (r, l);
            }

            var exceeded = Monitor(step) is { } m && m.TryGetProperty("exceeded", out var e) && e.ValueKind == JsonValueKind.True;
            text.Append(CultureInfo.InvariantCulture, $"| {(step.TryGetProperty("target_live", out var target) ? target.GetInt32().ToString(CultureInfo.InvariantCulture) : "?")} ");
            text.Append(CultureInfo.InvariantCulture, $"| {Mon(step, "live_avg", "0")} / {Mon(step, "live_max", "0")} | {Num(step, "calls_per_s", "0.0")} ");
            text.Append(CultureInfo.InvariantCulture, $"| {Lag(step, "lag_p50_s")} / {Lag(step, "lag_p99_s")} | {Lag(step, "commit_lag_p50_s")} / {Lag(step, "commit_lag_p99_s")} | {Num(step, "p99_ms", "0.0")} ");
            text.Append(CultureInfo.InvariantCulture, $"| {CoresOf(step, "service")} | {CoresOf(step, "postgres")} | {CoresOf(step, "fake-openai")} ");
            text.Append(CultureInfo.InvariantCulture, $"| {Num(step, "peak_rss_mib", "0")} | {(peak is { } pk && idle is { } i ? (pk - i).ToString("0", CultureInfo.InvariantCulture) : "–")} | {slope} ");
            text.Append(CultureInfo.InvariantCulture, $"| {Num(step, "errors", "0")} | {(exceeded ? "**lag or errors over the limit**" : "held")} |");
            text.AppendLine();
        }

        text.AppendLine();
        var held = steps.Where(step => !(Monitor(step) is { } m && m.TryGetProperty("exceeded", out var e) && e.ValueKind == JsonValueKind.True)).ToList();
        var limit = Monitor(steps[0]) is { } first && first.TryGetProperty("lag_limit_s", out var l1) ? l1.GetDouble() : 1;
        var lastHeld = held.Count == 0 ? null : (double?)(Mon(held[^1], "live_avg") ?? held[^1].GetProperty("target_live").GetInt32());
        if (held.Count == steps.Count)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Capacity: **at least {lastHeld:0} concurrent monitored calls** held with the lag p99 under {limit:0.##} s (every step held; the cap BENCH_CAPACITY_MAX or the steps ended the search). Idle RSS before the first step: {idle:0} MiB.");
        }
        else
        {
            var failed = steps[held.Count];
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Capacity: **{(lastHeld is { } n ? n.ToString("0", CultureInfo.InvariantCulture) : "fewer than the first step's")} concurrent monitored calls before the lag passes {limit:0.##} s** (the step at {failed.GetProperty("target_live").GetInt32()} went over: lag p99 {Lag(failed, "judged_lag_p99_s")} ms from {MonText(failed, "judged_lag_source")}, {Num(failed, "errors", "0")} errors). Idle RSS before the first step: {idle:0} MiB.");
        }

        text.AppendLine();
        return steps;
    }

    private static void MonitoredTargets(
        List<JsonElement> lines, Dictionary<int, JsonElement> service, Dictionary<int, JsonElement> monitored, List<JsonElement> capacity, StringBuilder text)
    {
        if (monitored.Count == 0 && capacity.Count == 0 && !lines.Any(line => Kind(line) == "monitored-open"))
        {
            return;
        }

        text.AppendLine();
        text.AppendLine("Targets with the monitor on (issue 17):");
        if (monitored.Count > 0)
        {
            var top = monitored.Keys.Max();
            var m = monitored[top];
            var calls = m.GetProperty("calls_per_s").GetDouble();
            if (service.TryGetValue(top, out var s))
            {
                var share = calls / s.GetProperty("calls_per_s").GetDouble();
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"- monitored throughput at {top} senders ≥ {TargetMonitoredShare:0%} of decision-only (same run): {calls:0} of {s.GetProperty("calls_per_s").GetDouble():0} calls/s = {share:0%} — {Verdict(share >= TargetMonitoredShare)}");
            }
            else
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- monitored throughput at {top} senders: {calls:0} calls/s (no decision-only level at {top} senders in this run to compare with)");
            }
        }

        // Memory per live call: the capacity steps' slope when measured (long calls, a low call rate: the live calls' own
        // memory), else the monitored top level's (peak − idle) / most live calls.
        double? perCallKiB = null;
        string basis = "";
        var upperBound = true;
        double? idleMiB = null;
        if (capacity.Count >= 2)
        {
            var first = capacity[0];
            var last = capacity.Where(step => Value(step, "peak_rss_mib") is not null && Mon(step, "live_avg") is not null).LastOrDefault();
            if (last.ValueKind == JsonValueKind.Object && Value(first, "peak_rss_mib") is { } r0 && Mon(first, "live_avg") is { } l0
                && Value(last, "peak_rss_mib") is { } r1 && Mon(last, "live_avg") is { } l1 && l1 - l0 > 0)
            {
                perCallKiB = (r1 - r0) * 1024 / (l1 - l0);
                basis = string.Create(CultureInfo.InvariantCulture, $"capacity steps, peak RSS from {r0:0} MiB at {l0:0} live calls to {r1:0} MiB at {l1:0}");
                upperBound = false;
                idleMiB = Mon(first, "idle_rss_mib");
            }
        }

        if (perCallKiB is null && monitored.Count == 0 && capacity.Count == 1)
        {
            var step = capacity[0];
            perCallKiB = Mon(step, "mem_kib_per_live_call");
            idleMiB = Mon(step, "idle_rss_mib");
            basis = string.Create(CultureInfo.InvariantCulture,
                $"one capacity step: (peak RSS {Num(step, "peak_rss_mib", "0")} − idle {Mon(step, "idle_rss_mib", "0")} MiB) / {Mon(step, "live_max", "0")} live calls, an upper bound with the service's warm-up in it");
        }

        if (perCallKiB is null && monitored.Count > 0)
        {
            // Without capacity steps: over the fresh service's RSS (an upper bound: the decision path's own working set at
            // that rate is in it), the level's own figure (over its idle start) beside it.
            var m = monitored[monitored.Keys.Max()];
            perCallKiB = Mon(m, "mem_kib_per_live_call_over_fresh") ?? Mon(m, "mem_kib_per_live_call");
            idleMiB = Mon(m, "fresh_rss_mib") ?? Mon(m, "idle_rss_mib");
            basis = string.Create(CultureInfo.InvariantCulture,
                $"{monitored.Keys.Max()} monitored senders: (peak RSS {Num(m, "peak_rss_mib", "0")} − fresh service {Mon(m, "fresh_rss_mib", "0")} MiB) / {Mon(m, "live_max", "0")} live calls, an upper bound with the decision path's working set in it; over the RSS idle before the level ({Mon(m, "idle_rss_mib", "0")} MiB): {Mon(m, "mem_kib_per_live_call", "0")} KiB");
        }

        if (perCallKiB is { } kib)
        {
            var atThousand = capacity.FirstOrDefault(step => step.TryGetProperty("target_live", out var t) && t.GetInt32() == TargetLiveCalls);
            var projected = idleMiB is { } i ? i + (TargetLiveCalls * kib / 1024) : (double?)null;
            text.Append(CultureInfo.InvariantCulture, $"- memory per live monitored call: {kib:0} KiB ({basis}); {TargetLiveCalls:N0} calls in {TargetMemoryMiB / 1024:0} GiB: ");
            if (atThousand.ValueKind == JsonValueKind.Object && Value(atThousand, "peak_rss_mib") is { } measured)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"measured peak RSS {measured:0} MiB at {Mon(atThousand, "live_avg", "0")} live calls — {Verdict(measured <= TargetMemoryMiB)}");
            }
            else if (projected is { } p)
            {
                var verdict = p <= TargetMemoryMiB ? "met (projection)"
                    : upperBound ? "not shown: an upper bound over the limit; the capacity part (BENCH_PARTS=capacity) measures the slope"
                    : "NOT met (projection)";
                text.AppendLine(CultureInfo.InvariantCulture, $"projected {p:0} MiB (idle {idleMiB:0} MiB + {TargetLiveCalls:N0} × {kib:0} KiB) — {verdict}");
            }
            else
            {
                text.AppendLine("n/a");
            }
        }

        var open = lines.Where(line => Kind(line) == "monitored-open" && Math.Abs(line.GetProperty("offered_rate").GetDouble() - TargetOpenRate) < 0.5).LastOrDefault();
        if (open.ValueKind == JsonValueKind.Object)
        {
            var p99 = open.GetProperty("p99_ms").GetDouble();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"- decision p99 at {TargetOpenRate:0} calls/s offered (open loop), monitor on, ≤ {TargetP99Ms:0} ms: {p99:0.0} ms ({open.GetProperty("errors").GetInt64()} errors) — {Verdict(p99 <= TargetP99Ms && open.GetProperty("errors").GetInt64() == 0)}");
        }
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- decision p99 at {TargetOpenRate:0} calls/s offered with the monitor on: not measured in this run (BENCH_RATES)");
        }
    }

    private static string Kind(JsonElement line) => line.TryGetProperty("kind", out var kind) ? kind.GetString() ?? "" : "";

    private static Dictionary<int, JsonElement> ByConcurrency(List<JsonElement> lines, string kind) =>
        lines.Where(line => Kind(line) == kind)
            .GroupBy(line => line.GetProperty("concurrency").GetInt32())
            .ToDictionary(group => group.Key, group => group.Last());

    private static JsonElement? Monitor(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("monitor", out var monitor) && monitor.ValueKind == JsonValueKind.Object ? monitor : null;

    private static double? Value(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static double? Mon(JsonElement element, string name) => Monitor(element) is { } monitor ? Value(monitor, name) : null;

    private static string Mon(JsonElement element, string name, string format) =>
        Mon(element, name) is { } value ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    private static string MonText(JsonElement element, string name) =>
        Monitor(element) is { } monitor && monitor.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "?" : "?";

    /// <summary>A lag in ms; "over" when the send→commit quantile fell among turns not stored in time; "n/a" when not measured.</summary>
    private static string Lag(JsonElement element, string name)
    {
        if (Mon(element, name) is { } seconds)
        {
            return (seconds * 1000).ToString(seconds < 0.01 ? "0.0" : "0", CultureInfo.InvariantCulture);
        }

        return name.StartsWith("commit", StringComparison.Ordinal) && Mon(element, "commit_lag_unstored") is > 0 && Mon(element, "commit_lag_rows") is not null
            ? "over"
            : "n/a";
    }

    private static string Fake(JsonElement element, string name) =>
        Monitor(element) is { } monitor && monitor.TryGetProperty("fake", out var fake) && fake.TryGetProperty(name, out var value)
            ? value.GetInt64().ToString(CultureInfo.InvariantCulture)
            : "n/a";

    private static string CoresOf(JsonElement element, string name) =>
        CoreValue(element, name) is { } value ? value.ToString("0.00", CultureInfo.InvariantCulture) : "–";

    private static double? CoreValue(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("cores", out var cores) && cores.TryGetProperty(name, out var value) ? value.GetDouble() : null;

    private static string Cores(JsonElement element) =>
        element.TryGetProperty("cores", out var cores)
            ? string.Join(", ", cores.EnumerateObject().Where(core => !core.Name.StartsWith("machine_", StringComparison.Ordinal))
                .Select(core => string.Create(CultureInfo.InvariantCulture, $"{core.Name} {core.Value.GetDouble():0.00}")))
            : "n/a";

    private static string Num(JsonElement element, string name, string format) =>
        Value(element, name) is { } value ? value.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static string Ratio(double? numerator, double? denominator) =>
        numerator is { } n && denominator is { } d && d > 0 ? (n / d).ToString("0.00", CultureInfo.InvariantCulture) : "–";

    private static string Verdict(bool met) => met ? "met" : "NOT met";
}
