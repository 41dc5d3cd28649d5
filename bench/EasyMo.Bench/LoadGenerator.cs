using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using EasyMo.Infrastructure.OpenAi;

namespace EasyMo.Bench;

/// <summary>
/// N senders, each posting one correctly signed <c>realtime.call.incoming</c> after the other (closed loop), every one
/// with a unique call id and webhook id and a caller drawn from a pool of numbers. Latency is recorded for the requests
/// started after the warm-up; the level's result is one JSON line on stdout and a summary on stderr.
/// </summary>
public static class LoadGenerator
{
    private static readonly byte[] OutcomeMarker = "\"outcome\":\""u8.ToArray();

    public static async Task<int> RunAsync(BenchArgs args, CancellationToken stop)
    {
        var url = new Uri(args.Required("url"));
        if (!url.IsLoopback)
        {
            throw new ArgumentException("--url must be a loopback address: the benchmark sends traffic to this machine only");
        }

        var concurrency = args.Int("concurrency");
        var duration = args.Seconds("duration", args.Flag("prime-only") ? 1 : null);
        var warmup = args.Seconds("warmup", 5);
        var kind = args.Get("kind") ?? "load";
        var label = args.Get("label") ?? $"{kind}-c{concurrency}" + (args.Get("rate") is { } r ? $"-r{r}" : "");
        var callerCount = args.Int("callers", 1000);
        var pid = args.Get("pid") is null ? (int?)null : args.Int("pid");
        var expectOutcome = args.Get("expect-outcome");
        var watched = args.All("cpu").Select(ParseWatch).ToList();
        var rate = args.Double("rate", 0);
        double? lagLimit = args.Get("lag-limit") is null ? null : args.Double("lag-limit");
        await using var probe = MonitorProbe.From(args);
        if (concurrency < 1 || callerCount < 1 || callerCount > 100_000 || duration <= TimeSpan.Zero)
        {
            throw new ArgumentException("--concurrency, --callers and --duration must be positive (callers at most 100000)");
        }

        var verifier = new StandardWebhookVerifier(args.Required("secret"), TimeProvider.System);
        SelfCheck(verifier);
        var factory = new CallFactory(verifier, label, callerCount);

        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = url,
            Timeout = TimeSpan.FromSeconds(30),
            DefaultRequestVersion = HttpVersion.Version11,
        };

        if (probe is not null && args.Get("wait-idle") is not null)
        {
            // The previous level's calls end first: the idle RSS below is then the service's without live calls.
            await probe.WaitIdleAsync(args.Seconds("wait-idle"), stop);
        }

        var idleRss = pid is { } idle ? ProcStats.Memory(idle)?.RssKiB : null;
        var rssReset = pid is { } target && ProcStats.ResetPeakRss(target);

        if (args.Flag("prime") || args.Flag("prime-only"))
        {
            await PrimeAsync(url, factory, stop);
            if (args.Flag("prime-only"))
            {
                return 0;
            }
        }

        var started = Stopwatch.GetTimestamp();
        var measureFrom = started + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var measureUntil = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);

        // Open loop: how long after the window's end calls still due may be sent before the rest is given up.
        var overrun = (long)(args.Seconds("overrun", 15).TotalSeconds * Stopwatch.Frequency);
        var senders = Enumerable.Range(0, concurrency).Select(_ => new Sender()).ToArray();

        // CPU readings (and the monitor's counters) at the start and the end of the measured window.
        var before = default(CpuSnapshot);
        var snapshotTask = Task.Run(async () =>
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), measureFrom);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, stop);
            }

            before = CpuSnapshot.Take(watched);
            if (probe is not null)
            {
                await probe.BeginAsync(stop);
            }
        }, stop);
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var samplerTask = probe?.SampleAsync(sampling.Token) ?? Task.CompletedTask;

        // Open loop at --rate calls/s: sender i's requests are due at started + (k * N + i) / rate.
        var interval = rate > 0 ? (long)(Stopwatch.Frequency * concurrency / rate) : 0;
        var tasks = senders.Select((sender, index) => Task.Run(
            () => sender.RunAsync(client, factory, index, started + index * interval / concurrency, interval, measureFrom, measureUntil, overrun, expectOutcome, stop),
            stop)).ToArray();
        await Task.WhenAll(tasks);
        await snapshotTask;
        var after = CpuSnapshot.Take(watched);

        var latencies = new long[senders.Sum(sender => sender.Latencies.Count)];
        var offset = 0;
        foreach (var sender in senders)
        {
            sender.Latencies.CopyTo(latencies, offset);
            offset += sender.Latencies.Count;
        }

        Array.Sort(latencies);
        var lastCompletion = senders.Max(sender => sender.LastCompletion);
        var window = Stopwatch.GetElapsedTime(measureFrom, Math.Max(lastCompletion, measureFrom + 1)).TotalSeconds;
        var statuses = Merge(senders.Select(sender => sender.Statuses));
        var outcomes = Merge(senders.Select(sender => sender.Outcomes));
        var errors = senders.Sum(sender => sender.Errors);
        var notSent = senders.Sum(sender => sender.NotSent);
        var memory = pid is { } p ? ProcStats.Memory(p) : null;
        await sampling.CancelAsync();
        await samplerTask;
        var monitor = probe is null ? null : await probe.EndAsync(measureFrom, measureUntil, idleRss, stop);
        if (monitor is not null && args.Get("fresh-rss-kib") is { Length: > 0 })
        {
            monitor = monitor with { FreshRssKiB = args.Int("fresh-rss-kib") };
        }

        var result = new LevelResult(
            kind,
            label,
            url.ToString(),
            concurrency,
            rate,
            warmup.TotalSeconds,
            window,
            latencies.Length - notSent,
            (latencies.Length - notSent) / window,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.95),
            Percentile(latencies, 0.99),
            latencies.Length == 0 ? 0 : ToMs(latencies[^1]),
            latencies.Length == 0 ? 0 : latencies.Average(ToMs),
            errors,
            statuses,
            outcomes,
            pid,
            rssReset,
            memory?.PeakKiB,
            memory?.RssKiB,
            after.CoresSince(before),
            monitor,
            lagLimit,
            args.Get("target-live") is null ? null : args.Int("target-live"),
            notSent,
            senders.Sum(sender => sender.Answered) / window);

        Console.Out.WriteLine(result.ToJson());
        await Console.Out.FlushAsync(CancellationToken.None);
        await Console.Error.WriteLineAsync(result.ToSummary());

        // The capacity level steps up until this says stop.
        return lagLimit is not null && result.Exceeded ? 3 : 0;
    }

    /// <summary>One call from each caller of the pool, 16 at a time, unmeasured: every caller then has a profile.</summary>
    private static async Task PrimeAsync(Uri url, CallFactory factory, CancellationToken stop)
    {
        const int workers = 16;
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = workers, UseProxy = false, UseCookies = false })
        {
            BaseAddress = url,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var next = -1;
        var failures = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < factory.CallerCount && !stop.IsCancellationRequested)
            {
                using var request = factory.Create(worker + 10_000, index, index);
                try
                {
                    using var response = await client.SendAsync(request, stop);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }, stop)));
        await Console.Error.WriteLineAsync(
            $"load: primed {factory.CallerCount} callers in {watch.Elapsed.TotalSeconds:0.0} s ({failures} not answered 200)");
    }

    private static void SelfCheck(StandardWebhookVerifier verifier)
    {
        var body = "{\"type\":\"realtime.call.incoming\"}"u8;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = verifier.Sign("wh_check", now, body);
        var stamp = now.ToString(CultureInfo.InvariantCulture);
        if (verifier.Verify("wh_check", stamp, signature, body) != WebhookVerification.Valid
            || verifier.Verify("wh_check", stamp, signature, "{}"u8) != WebhookVerification.SignatureMismatch)
        {
            throw new InvalidOperationException("StandardWebhookVerifier does not verify its own signature");
        }
    }

    private static (string Name, int Pid) ParseWatch(string text)
    {
        var parts = text.Split('=', 2);
        return parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? (parts[0], pid)
            : throw new ArgumentException("--cpu takes NAME=PID");
    }

    private static SortedDictionary<string, long> Merge(IEnumerable<Dictionary<string, long>> parts)
    {
        var merged = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            foreach (var (key, value) in part)
            {
                merged[key] = merged.GetValueOrDefault(key) + value;
            }
        }

        return merged;
    }

    private static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? 0 : ToMs(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)]);

    private static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private sealed class Sender
    {
        public List<long> Latencies { get; } = new(capacity: 64 * 1024);

        public Dictionary<string, long> Statuses { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);

        public long Errors { get; private set; }

        /// <summary>Calls of the window given up unsent (open loop, the service too far behind).</summary>
        public long NotSent { get; private set; }

        /// <summary>Calls answered 200 from the window's start to the level's end, whenever they were due.</summary>
        public long Answered { get; private set; }

        public long LastCompletion { get; private set; }

        /// <summary>
        /// Closed loop (<paramref name="interval"/> 0): the next request as soon as the last one is answered. Open loop:
        /// this sender's requests are due every <paramref name="interval"/> ticks from <paramref name="firstDue"/>, and
        /// latency counts from the due time, so that a sender held up by a slow answer is not forgiven the wait of the
        /// requests it could not send meanwhile (no coordinated omission). Past <paramref name="overrun"/> ticks after the
        /// window, the requests still due are given up as errors (<c>not_sent</c>).
        /// </summary>
        public async Task RunAsync(
            HttpClient client, CallFactory factory, int index, long firstDue, long interval, long measureFrom, long measureUntil,
            long overrun, string? expectOutcome, CancellationToken stop)
        {
            var random = new Random(index * 7919 + 17);
            for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
            {
                var start = Stopwatch.GetTimestamp();
                if (interval > 0)
                {
                    var due = firstDue + sequence * interval;
                    if (due >= measureUntil)
                    {
                        return;
                    }

                    if (start > measureUntil + overrun)
                    {
                        // The service fell so far behind the schedule that the level would last minutes more: the calls
                        // still due are not sent. Each counts as an error, with the wait so far as its latency (a lower
                        // bound), so that the level's percentiles do not forgive them.
                        for (; due < measureUntil; due = firstDue + (++sequence * interval))
                        {
                            if (due >= measureFrom)
                            {
                                Latencies.Add(start - due);
                                Statuses["not_sent"] = Statuses.GetValueOrDefault("not_sent") + 1;
                                Outcomes["none"] = Outcomes.GetValueOrDefault("none") + 1;
                                Errors++;
                                NotSent++;
                            }
                        }

                        LastCompletion = start;
                        return;
                    }

                    var wait = Stopwatch.GetElapsedTime(start, due);
                    if (wait > TimeSpan.FromMilliseconds(1))
                    {
                        await Task.Delay(wait, stop);
                    }
                    else
                    {
                        while (Stopwatch.GetTimestamp() < due)
                        {
                            Thread.SpinWait(20);
                        }
                    }

                    start = due;
                }
                else if (start >= measureUntil)
                {
                    return;
                }

                using var request = factory.Create(index, sequence, random.Next(factory.CallerCount));
                string status;
                string outcome = "none";
                try
                {
                    using var response = await client.SendAsync(request, stop);
                    var body = await response.Content.ReadAsByteArrayAsync(stop);
                    status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                    outcome = ReadOutcome(body);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (TaskCanceledException)
                {
                    status = "timeout";
                }
                catch (HttpRequestException exception)
                {
                    status = "error:" + exception.HttpRequestError;
                    await Task.Delay(10, stop);
                }

                var end = Stopwatch.GetTimestamp();
                if (end >= measureFrom && status == "200")
                {
                    Answered++; // any call answered from the window's start on, whenever it was due
                }

                if (start < measureFrom)
                {
                    continue;
                }

                Latencies.Add(end - start);
                LastCompletion = end;
                Statuses[status] = Statuses.GetValueOrDefault(status) + 1;
                Outcomes[outcome] = Outcomes.GetValueOrDefault(outcome) + 1;
                if (status != "200" || (expectOutcome is not null && outcome != expectOutcome))
                {
                    Errors++;
                }
            }
        }

        private static string ReadOutcome(ReadOnlySpan<byte> body)
        {
            var at = body.IndexOf(OutcomeMarker);
            if (at < 0)
            {
                return "none";
            }

            var rest = body[(at + OutcomeMarker.Length)..];
            var end = rest.IndexOf((byte)'"');
            return end < 0 ? "none" : Encoding.UTF8.GetString(rest[..end]);
        }
    }

    /// <summary>CPU seconds of watched process trees, of this process and of the machine, at one moment.</summary>
    private readonly record struct CpuSnapshot(long Timestamp, double[] Watched, string[] Names, double Self, long[] Machine)
    {
        public static CpuSnapshot Take(List<(string Name, int Pid)> watched)
        {
            using var self = Process.GetCurrentProcess();
            return new CpuSnapshot(
                Stopwatch.GetTimestamp(),
                watched.Select(w => ProcStats.TreeCpuSeconds(w.Pid)).ToArray(),
                watched.Select(w => w.Name).ToArray(),
                self.TotalProcessorTime.TotalSeconds,
                ProcStats.MachineJiffies());
        }

        /// <summary>
        /// Cores in use on average between <paramref name="earlier"/> and this snapshot: per watched process tree, this
        /// load generator, and the machine (busy = all but idle and iowait; with its kernel, softirq and steal parts).
        /// </summary>
        public SortedDictionary<string, double> CoresSince(CpuSnapshot earlier)
        {
            var cores = new SortedDictionary<string, double>(StringComparer.Ordinal);
            if (earlier.Watched is null)
            {
                return cores;
            }

            var wall = Stopwatch.GetElapsedTime(earlier.Timestamp, Timestamp).TotalSeconds;
            for (var i = 0; i < Watched.Length; i++)
            {
                cores[Names[i]] = Math.Round((Watched[i] - earlier.Watched[i]) / wall, 2);
            }

            cores["loadgen"] = Math.Round((Self - earlier.Self) / wall, 2);
            var delta = Machine.Zip(earlier.Machine, (now, then) => now - then).ToArray();
            var total = delta.Sum();
            if (total > 0)
            {
                double Share(long jiffies) => Math.Round((double)jiffies / total * Environment.ProcessorCount, 2);
                cores["machine"] = Share(total - delta[3] - delta[4]);
                cores["machine_system"] = Share(delta[2]);
                cores["machine_softirq"] = Share(delta[5] + delta[6]);
                cores["machine_steal"] = Share(delta[7]);
                cores["machine_iowait"] = Share(delta[4]);

                // Everything else on the machine: kernel threads, and whatever else runs here (builds, tests).
                cores["other"] = Math.Round(Math.Max(0, cores["machine"] - cores.Where(pair => !pair.Key.StartsWith("machine", StringComparison.Ordinal)).Sum(pair => pair.Value)), 2);
            }

            return cores;
        }
    }
}
