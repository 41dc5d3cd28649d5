using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace EasyMo.Bench;

/// <summary>
/// What a level of monitored calls did besides the decisions, read from three places around the measured window:
/// the service's <c>/metrics</c> (<c>--metrics</c>: the live calls it follows, <c>easymo_calls_live</c>, sampled every
/// second, a scrape costing the service about 25 ms of CPU; the event-to-stored lag histogram <c>easymo_transcript_store_lag_seconds</c>, before and after), the fake
/// OpenAI's <c>/stats</c> (<c>--fake-stats</c>: sockets, transcripts sent, tool outputs, summaries answered) and the
/// database (<c>--db</c>: calls ended, transcripts stored, summaries made; and the lag from the fake sending each
/// transcript to the commit of its row, from the send time the fake writes into the item id and
/// <c>pg_xact_commit_timestamp</c>, which needs <c>track_commit_timestamp = on</c>).
/// </summary>
public sealed class MonitorProbe : IAsyncDisposable
{
    public const string LiveGauge = "easymo_calls_live";
    public const string LagHistogram = "easymo_transcript_store_lag_seconds";

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Uri? _metrics;
    private readonly Uri? _fakeStats;
    private readonly NpgsqlDataSource? _db;
    private readonly TimeSpan _grace;
    private readonly List<(long At, double Live)> _samples = [];
    private string? _metricsBefore;
    private Dictionary<string, long>? _fakeBefore;
    private long _fromUs;

    private MonitorProbe(Uri? metrics, Uri? fakeStats, string? db, TimeSpan grace)
    {
        _metrics = metrics;
        _fakeStats = fakeStats;
        _db = db is null ? null : NpgsqlDataSource.Create(db);
        _grace = grace;
    }

    public static MonitorProbe? From(BenchArgs args) =>
        args.Get("metrics") is null && args.Get("fake-stats") is null && args.Get("db") is null
            ? null
            : new MonitorProbe(
                args.Get("metrics") is { } metrics ? new Uri(metrics) : null,
                args.Get("fake-stats") is { } stats ? new Uri(stats) : null,
                args.Get("db"),
                args.Seconds("lag-grace", 3));

    /// <summary>Waits until the service follows no call (the previous level's calls ended), at most <paramref name="timeout"/>.</summary>
    public async Task WaitIdleAsync(TimeSpan timeout, CancellationToken stop)
    {
        if (_metrics is null)
        {
            return;
        }

        var watch = Stopwatch.StartNew();
        double? live = null;
        while (watch.Elapsed < timeout)
        {
            live = await LiveAsync(stop);
            if (live is null or <= 0)
            {
                break;
            }

            await Task.Delay(250, stop);
        }

        await Console.Error.WriteLineAsync(live is null
            ? $"load: {_metrics} did not answer: not waiting for the live calls to end"
            : string.Create(CultureInfo.InvariantCulture, $"load: waited {watch.Elapsed.TotalSeconds:0.0} s for the live calls to end ({live:0} live now)"));
    }

    /// <summary>Samples the live calls every second until <paramref name="stop"/>.</summary>
    public async Task SampleAsync(CancellationToken stop)
    {
        if (_metrics is null)
        {
            return;
        }

        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (await LiveAsync(stop) is { } live)
                {
                    lock (_samples)
                    {
                        _samples.Add((Stopwatch.GetTimestamp(), live));
                    }
                }

                await Task.Delay(1000, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>At the start of the measured window.</summary>
    public async Task BeginAsync(CancellationToken stop)
    {
        _fromUs = FakeRealtimeSocket.UnixMicroseconds();
        _metricsBefore = await ScrapeAsync(stop);
        _fakeBefore = await FakeStatsAsync(stop);
    }

    /// <summary>At the end of the measured window: the level's monitored figures.</summary>
    public async Task<MonitorFigures> EndAsync(long measureFrom, long measureUntil, long? idleRssKiB, CancellationToken stop)
    {
        var untilUs = FakeRealtimeSocket.UnixMicroseconds();
        var metricsAfter = await ScrapeAsync(stop);
        var fakeAfter = await FakeStatsAsync(stop);

        List<double> window;
        double? maxLive;
        lock (_samples)
        {
            window = _samples.Where(sample => sample.At >= measureFrom && sample.At <= measureUntil).Select(sample => sample.Live).ToList();
            maxLive = _samples.Count == 0 ? null : _samples.Max(sample => sample.Live);
        }

        SortedDictionary<double, double>? lag = null;
        if (_metricsBefore is not null && metricsAfter is not null)
        {
            var after = PrometheusText.Buckets(metricsAfter, LagHistogram);
            lag = after.Count == 0 ? null : PrometheusText.Delta(after, PrometheusText.Buckets(_metricsBefore, LagHistogram));
        }

        var fake = new SortedDictionary<string, long>(StringComparer.Ordinal);
        if (_fakeBefore is not null && fakeAfter is not null)
        {
            foreach (var (name, value) in fakeAfter)
            {
                if (name != "sockets_open")
                {
                    fake[name] = value - _fakeBefore.GetValueOrDefault(name);
                }
            }

            fake["sockets_open_at_end"] = fakeAfter.GetValueOrDefault("sockets_open");
        }

        DatabaseFigures? database = null;
        if (_db is not null)
        {
            // The turns sent in the whole 100 ms slots of the window, by the send time in their item ids: the fake counts
            // them by the same time, so the rows expected and the rows found are the same turns.
            var fromSlot = (_fromUs + RealtimeStats.SlotMicroseconds - 1) / RealtimeStats.SlotMicroseconds;
            var untilSlot = untilUs / RealtimeStats.SlotMicroseconds;
            var sent = await TranscriptsSentAsync(fromSlot, untilSlot, stop);

            // Rows of turns sent near the end of the window may still be on their way: give them a moment.
            await Task.Delay(_grace, stop);
            database = await QueryAsync(fromSlot * RealtimeStats.SlotMicroseconds, untilSlot * RealtimeStats.SlotMicroseconds, sent, stop);
        }

        return new MonitorFigures(
            window.Count == 0 ? null : window.Average(),
            maxLive,
            lag is null ? null : PrometheusText.Quantile(lag, 0.50),
            lag is null ? null : PrometheusText.Quantile(lag, 0.99),
            lag is null ? null : (long)lag.GetValueOrDefault(double.PositiveInfinity),
            database,
            fake,
            idleRssKiB);
    }

    private async Task<DatabaseFigures?> QueryAsync(long fromUs, long untilUs, long? sent, CancellationToken stop)
    {
        var from = DateTime.UnixEpoch.AddTicks(fromUs * 10);
        var until = DateTime.UnixEpoch.AddTicks(untilUs * 10);
        try
        {
            await using var connection = await _db!.OpenConnectionAsync(stop);
            long Count(string sql)
            {
                using var command = new NpgsqlCommand(sql, connection);
                command.Parameters.AddWithValue("from", from);
                command.Parameters.AddWithValue("until", until);
                return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            }

            var ended = Count("SELECT count(*) FROM calls WHERE status = 'ended' AND ended_at >= @from AND ended_at < @until");
            var stored = Count("SELECT count(*) FROM call_transcripts WHERE at >= @from AND at < @until");
            var summaries = Count("SELECT count(*) FROM calls WHERE summary_status = 'done' AND summary_settled_at >= @from AND summary_settled_at < @until");
            var pending = Count("SELECT count(*) FROM calls WHERE summary_status = 'pending'");

            // The fake's send time is in the item id (item_{socket}_{turn}_{unix µs}); the commit's time is PostgreSQL's.
            var lags = new List<double>();
            string? lagError = null;
            try
            {
                await using var command = new NpgsqlCommand(
                    """
                    SELECT extract(epoch FROM pg_xact_commit_timestamp(xmin))::float8 - split_part(item_id, '_', 4)::bigint / 1e6::float8
                    FROM call_transcripts
                    WHERE item_id ~ '^item_[0-9]+_[0-9]+_[0-9]{16}$'
                      AND split_part(item_id, '_', 4)::bigint >= @fromUs AND split_part(item_id, '_', 4)::bigint < @untilUs
                    """,
                    connection);
                command.Parameters.AddWithValue("fromUs", fromUs);
                command.Parameters.AddWithValue("untilUs", untilUs);
                await using var reader = await command.ExecuteReaderAsync(stop);
                while (await reader.ReadAsync(stop))
                {
                    if (!reader.IsDBNull(0))
                    {
                        lags.Add(reader.GetDouble(0));
                    }
                }
            }
            catch (PostgresException exception)
            {
                lagError = exception.MessageText; // track_commit_timestamp off
            }

            lags.Sort();
            var unstored = sent is { } s ? Math.Max(0, s - lags.Count) : 0;
            return new DatabaseFigures(ended, stored, summaries, pending, lags.Count, unstored,
                lagError is null ? Quantile(lags, unstored, 0.50) : null,
                lagError is null ? Quantile(lags, unstored, 0.99) : null,
                lagError is null && lags.Count > 0 && unstored == 0 ? lags[^1] : null,
                lagError);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"load: database figures unavailable ({exception.Message})");
            return null;
        }
    }

    /// <summary>
    /// A quantile of the lags, counting the <paramref name="unstored"/> turns (sent, no row yet) as later than any: null
    /// when the quantile falls among them (the lag is then more than the grace after the window).
    /// </summary>
    private static double? Quantile(List<double> sorted, long unstored, double q)
    {
        var total = sorted.Count + unstored;
        if (total == 0)
        {
            return null;
        }

        var index = (int)Math.Clamp(Math.Ceiling(q * total) - 1, 0, total - 1);
        return index < sorted.Count ? sorted[index] : null;
    }

    /// <summary>The live calls; 0 when the service answers without the gauge (it appears with the first call followed).</summary>
    private async Task<double?> LiveAsync(CancellationToken stop) =>
        await ScrapeAsync(stop) is { } text ? PrometheusText.Sum(text, LiveGauge) ?? 0 : null;

    private async Task<long?> TranscriptsSentAsync(long fromSlot, long untilSlot, CancellationToken stop)
    {
        if (_fakeStats is null || untilSlot <= fromSlot)
        {
            return null;
        }

        try
        {
            var url = new Uri(_fakeStats, string.Create(CultureInfo.InvariantCulture, $"/stats/transcripts-sent?from={fromSlot}&until={untilSlot}"));
            return long.Parse(await _http.GetStringAsync(url, stop), CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is HttpRequestException or FormatException or TaskCanceledException && !stop.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<string?> ScrapeAsync(CancellationToken stop)
    {
        if (_metrics is null)
        {
            return null;
        }

        try
        {
            return await _http.GetStringAsync(_metrics, stop);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<Dictionary<string, long>?> FakeStatsAsync(CancellationToken stop)
    {
        if (_fakeStats is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(await _http.GetStringAsync(_fakeStats, stop));
            return document.RootElement.EnumerateObject()
                .Where(property => property.Value.ValueKind == JsonValueKind.Number)
                .ToDictionary(property => property.Name, property => property.Value.GetInt64(), StringComparer.Ordinal);
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or TaskCanceledException && !stop.IsCancellationRequested)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }
}

/// <summary>What the database says about a level's window.</summary>
public sealed record DatabaseFigures(
    long CallsEnded,
    long TranscriptsStored,
    long SummariesDone,
    long SummariesPendingAtEnd,
    long LagRows,
    long Unstored,
    double? LagP50Seconds,
    double? LagP99Seconds,
    double? LagMaxSeconds,
    string? LagError);

/// <summary>A monitored level's figures beyond the decision's (see <see cref="MonitorProbe"/>).</summary>
public sealed record MonitorFigures(
    double? LiveAverage,
    double? LiveMax,
    double? ServiceLagP50Seconds,
    double? ServiceLagP99Seconds,
    long? ServiceLagCount,
    DatabaseFigures? Database,
    SortedDictionary<string, long> Fake,
    long? IdleRssKiB,
    long? FreshRssKiB = null)
{
    /// <summary>The lag p99 the capacity level judges by: the service's histogram when it exports one, else the database's.</summary>
    public (double? Seconds, string Source, bool Over) LagP99(double limit)
    {
        if (ServiceLagP99Seconds is { } service)
        {
            return (service, "service", service > limit);
        }

        if (Database is { LagError: null } db)
        {
            return db.LagP99Seconds is { } p99 ? (p99, "commit", p99 > limit) : (null, "commit", db.Unstored > 0);
        }

        return (null, "none", false);
    }
}
