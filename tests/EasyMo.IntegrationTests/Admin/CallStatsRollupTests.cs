using System.Globalization;
using System.Text;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Features.Privacy;
using EasyMo.Application.Features.Stats.GetCallStats;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Infrastructure.Privacy;
using EasyMo.Infrastructure.Work;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using NpgsqlTypes;
using static EasyMo.IntegrationTests.Admin.AdminSeed;

namespace EasyMo.IntegrationTests.Admin;

/// <summary>
/// Issue 18, part 5: the stats read closed days from a daily roll-up (migration <c>CallStatsRollup</c>, no trigger) and
/// the open days from <c>calls</c>. After every kind of write and a compaction, the figures must be the ones the queries
/// over <c>calls</c> gave before the roll-up (kept here, verbatim, as the reference) on the same data, over 1, 7, 45 and
/// 366 days: seeds (a bulk load into closed days, followed by <c>call_stats_rebuild()</c> as docs/operations.md says),
/// the service's insert, decision and end, erasure, retention, SQL after the fact (with the changed days marked in
/// <c>call_stats_dirty</c>, as docs/operations.md says), and a rebuild. One decided difference: a closed day keeps the
/// fallbacks it was rolled up with when retention or erasure deletes their outbox messages (statistics do not change
/// when content is purged), so the reference counts those purged fallbacks too, until their day is computed again.
/// </summary>
public sealed class CallStatsRollupTests : IAsyncLifetime
{
    private EasyMoApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await EasyMoApp.StartAsync(Privacy.PrivacyScenario.Settings());

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static readonly int[] Ranges = [1, 7, 45, 366];

    [Fact]
    public async Task The_rollup_gives_the_figures_of_the_queries_over_calls_after_every_kind_of_write()
    {
        var now = DateTimeOffset.UtcNow;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var midnight = new DateTimeOffset(today, TimeOnly.MinValue, TimeSpan.Zero);
        await ShouldMatchAsync("empty");

        // Every status, language, channel; durations in every histogram bucket and on their bounds; fallbacks; days from
        // today back to 400 days ago (one outside the longest range), midnights included.
        string[] statuses = ["ringing", "accepted", "rejected", "missed", "failed", "ended", "ended", "ended"];
        int[] durations = [0, 1, 30, 31, 59, 60, 61, 119, 120, 121, 299, 300, 301, 599, 600, 601, 1_800, 7_200];
        int[] daysAgo = [0, 0, 1, 2, 6, 7, 8, 30, 44, 45, 100, 200, 365, 400];
        var seeds = new List<SeedCall>();
        for (var i = 0; i < 120; i++)
        {
            var status = statuses[i % statuses.Length];
            var at = midnight.AddDays(-daysAgo[i % daysAgo.Length]).AddMinutes(i % 5 == 0 ? 0 : 37 * i % 1_440);
            seeds.Add(new SeedCall(
                $"rtc_r{i:D3}", status, at,
                Channel: i % 5 < 2 ? "whatsapp" : "phone",
                Language: (i / 3 % 3) switch { 0 => "en", 1 => "fr", _ => "rw" },
                Caller: $"+25078800{i % 7:D4}",
                DurationSeconds: durations[i % durations.Length],
                Accepted: status == "failed" && i % 3 == 0,
                FallbackQueued: status is "failed" or "missed" && i % 2 == 0));
        }

        await InsertAsync(_app.ConnectionString, [.. seeds]);
        await SqlAsync("""
            UPDATE calls SET identity = 'verified' WHERE right(call_id, 1) IN ('1', '4', '7');
            UPDATE calls SET runtime = 'live', model = 'gpt-live', voice_seconds = CASE WHEN status = 'ended' THEN greatest(duration_seconds - 3, 0) END
            WHERE right(call_id, 1) IN ('2', '5');
            UPDATE calls SET model = 'gpt-realtime' WHERE runtime = 'realtime' AND status IN ('accepted', 'ended') AND right(call_id, 1) <> '9';
            UPDATE calls SET measured_turns = 1 + right(call_id, 2)::int % 9, turn_wait_p95_ms = 300 + 97 * right(call_id, 3)::int % 3000
            WHERE status = 'ended' AND right(call_id, 1) <> '3';
            UPDATE calls SET measured_turns = 0 WHERE call_id = 'rtc_r005';
            """);
        // Analyses on the ended calls of the last 80 days (retention keeps 90 days of content; the caller erased below has
        // none): every outcome, sentiment and service, some without a service or sentiment; a few still pending.
        await SqlAsync("""
            UPDATE calls SET analysis_status = 'done',
                   analysis_outcome = (ARRAY['resolved', 'follow_up', 'not_resolved'])[1 + right(call_id, 2)::int % 3],
                   analysis_sentiment = (ARRAY['positive', 'neutral', 'negative', NULL])[1 + right(call_id, 2)::int % 4],
                   analysis_service = (ARRAY['rides', 'pharmacy', 'wallet', NULL, 'rides'])[1 + right(call_id, 2)::int % 5]
            WHERE status = 'ended' AND received_at > now() - interval '80 days' AND caller NOT LIKE '%0004';
            UPDATE calls SET analysis_status = 'pending', analysis_outcome = NULL, analysis_sentiment = NULL, analysis_service = NULL,
                   analysis_due_at = now()
            WHERE call_id IN ('rtc_r005', 'rtc_r022');
            """);
        // A bulk load into closed days is an operator's write: the rebuild takes it in.
        await SqlAsync("SELECT call_stats_rebuild()");
        await ShouldMatchAsync("seeded, then identity, runtime, model, voice and waits set by SQL");

        // The service's own writes: a call received (INSERT), accepted (UPDATE), ended with its waits measured
        // (TryEndAsync's one statement); another received and failed, then its fallback queued.
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<EasyMo.Infrastructure.Persistence.EasyMoDbContext>();
            var store = scope.ServiceProvider.GetRequiredService<ICallStore>();
            var answered = Call.Receive("rtc_live_1".AsCallId(), CallChannel.Phone, PhoneNumber.Parse("+250788100100"), null, PhoneNumber.Parse("+250788000111"), now.AddMinutes(-5));
            var failed = Call.Receive("rtc_live_2".AsCallId(), CallChannel.WhatsApp, PhoneNumber.Parse("+250788100101"), null, PhoneNumber.Parse("+250788000111"), now.AddMinutes(-4));
            db.Calls.AddRange(answered, failed);
            await db.SaveChangesAsync(Ct);
            await ShouldMatchAsync("two calls received");

            answered.Accept(now.AddMinutes(-5), "gpt-realtime", "marin");
            failed.Fail(now.AddMinutes(-4), 480);
            await db.SaveChangesAsync(Ct);
            await ShouldMatchAsync("one accepted, one failed");

            (await store.TryEndAsync(
                "rtc_live_1".AsCallId(), answered.Consent,
                CallEnd.Of(now.AddMinutes(-5), answered.Consent, now, CallEndReason.CallerHangup, voiceSeconds: null, new CallQuality(5, 600, 2_345, 3_000, 800, null)),
                Ct)).ShouldBeTrue();
            await ShouldMatchAsync("the accepted one ended by TryEndAsync");
        }

        // Calls left ringing or accepted on closed days (the service was down past its monitor) end late: their days were
        // computed again at every compaction meanwhile, and are once more now.
        await SqlAsync("""
            UPDATE calls SET status = CASE WHEN status = 'ringing' THEN 'missed' ELSE 'ended' END,
                   duration_seconds = CASE WHEN status = 'accepted' THEN 1800 ELSE duration_seconds END, ended_at = received_at + interval '30 minutes'
            WHERE status IN ('ringing', 'accepted') AND call_id LIKE 'rtc_r%' AND received_at < now() - interval '2 days'
            """);
        await ShouldMatchAsync("calls in progress on closed days ended late");

        // Analyses made late (the sweeper's retries), on closed days: what a compaction computed while they were pending is
        // computed again once they have settled, without anyone marking the days.
        (await StringsAsync("SELECT call_id FROM calls WHERE analysis_status = 'pending' ORDER BY 1")).ShouldBe(["rtc_r005", "rtc_r022"]);
        await SqlAsync("""
            UPDATE calls SET analysis_status = 'done', analysis_outcome = 'resolved', analysis_sentiment = 'negative', analysis_service = 'farmers',
                   analysis_due_at = NULL
            WHERE call_id IN ('rtc_r005', 'rtc_r022')
            """);
        await ShouldMatchAsync("analyses settled late on closed days");

        await InsertFallbackAsync("rtc_live_2", now, "pending");
        // Old fallbacks already sent, which retention deletes (their calls stay).
        await InsertFallbackAsync("rtc_r011", midnight.AddDays(-200), "sent");
        await InsertFallbackAsync("rtc_r019", midnight.AddDays(-100), "sent");
        // (Test data written into closed days after the fact: marked dirty, as an operator would.)
        await MarkDirtyAsync(["rtc_r011", "rtc_r019"]);
        // A fallback queued before its call is stored: the call's insert counts it.
        await InsertFallbackAsync("rtc_early", now, "pending");
        await InsertAsync(_app.ConnectionString, new SeedCall("rtc_early", "failed", now.AddMinutes(-1)));
        await ShouldMatchAsync("fallbacks queued, one before its call");

        // Erasure of a caller with calls and fallbacks (their outbox messages go, the calls stay under a pseudonym).
        await KeepingPurgedFallbacksAsync(async () =>
        {
            await using var scope = _app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IPrivacyStore>()
                .EraseAsync(PhoneNumber.Parse("+250788000004"), "psn_test", "test", now, Ct);
        });

        await ShouldMatchAsync("a caller erased");

        var options = new PrivacyOptions { PseudonymKey = Privacy.PrivacyScenario.PseudonymKey, RetentionBatchSize = 1_000 };
        var retention = new RetentionJob(
            _app.Services.GetRequiredService<IServiceScopeFactory>(), Options.Create(options), new Pseudonymizer(Options.Create(options)),
            new WorkInstance(), new FakeTimeProvider(now), NullLogger<RetentionJob>.Instance);
        IReadOnlyDictionary<string, int> purged = null!;
        await KeepingPurgedFallbacksAsync(async () => purged = await retention.RunOnceAsync(Ct));
        purged["outbox_messages"].ShouldBeGreaterThanOrEqualTo(2);
        _keptFallbacks.ShouldContain("rtc_r019", "a sent fallback of a rolled-up day, purged: the roll-up keeps counting it");
        await ShouldMatchAsync("retention run (old fallbacks deleted, old numbers pseudonymised)");

        // After the fact, by hand: a call moved to another day, statuses and durations rewritten, a wait changed, calls
        // and a fallback deleted; the days changed marked dirty before and after (docs/operations.md).
        string[] changed = ["rtc_r010", "rtc_r011", "rtc_r040", "rtc_r001", "rtc_r013", "rtc_r021", "rtc_r029", "rtc_r045", "rtc_r020", "rtc_r037", "rtc_r061", "rtc_r044"];
        var dirty = await MarkDirtyAsync(changed);
        await SqlAsync("""
            UPDATE calls SET received_at = received_at - interval '3 days' WHERE call_id IN ('rtc_r010', 'rtc_r011', 'rtc_r040');
            UPDATE calls SET status = 'ended', duration_seconds = 45, ended_at = now() WHERE call_id = 'rtc_r001';
            UPDATE calls SET duration_seconds = duration_seconds + 61 WHERE call_id IN ('rtc_r013', 'rtc_r021');
            UPDATE calls SET turn_wait_p95_ms = 9999 WHERE call_id = 'rtc_r029';
            UPDATE calls SET language = 'fr', channel = 'whatsapp', identity = 'verified' WHERE call_id = 'rtc_r045';
            UPDATE calls SET summary = 'nothing the stats read' WHERE status = 'ended';
            DELETE FROM calls WHERE call_id IN ('rtc_r020', 'rtc_r037', 'rtc_r061');
            DELETE FROM outbox_messages WHERE deduplication_key = 'call-fallback:rtc_r044';
            """);
        dirty.UnionWith(await MarkDirtyAsync(changed));
        // A day computed again counts the fallbacks that are there now: the purged ones of the dirty days are gone.
        _keptFallbacks.ExceptWith(await CallsOnDaysAsync([.. _keptFallbacks], dirty));
        await ShouldMatchAsync("rows changed after the fact");

        // Rebuilt from scratch: every closed day computed again, the purged fallbacks no longer counted.
        var before = await RollupRowsAsync();
        await SqlAsync("SELECT call_stats_rebuild()");
        var keptBefore = _keptFallbacks.Count;
        _keptFallbacks.Clear();
        await ShouldMatchAsync("rebuilt");
        if (keptBefore == 0)
        {
            (await RollupRowsAsync()).ShouldBe(before, "the roll-up the compactions kept is the one a rebuild computes");
        }
    }

    [Fact]
    public async Task The_service_writes_nothing_for_the_rollup()
    {
        await using var connection = new NpgsqlConnection(_app.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            """
            SELECT count(*) FROM pg_trigger
            WHERE NOT tgisinternal AND tgrelid IN ('calls'::regclass, 'outbox_messages'::regclass) AND tgname NOT LIKE 'live_lines_%'
            """,
            connection);
        ((long)(await command.ExecuteScalarAsync(Ct))!).ShouldBe(
            0, "the hot path's statements on calls and outbox_messages run no trigger for the roll-up (the ceiling's live_lines has its own)");
    }

    [Fact]
    public async Task Truncating_calls_then_rebuilding_empties_the_rollup()
    {
        var now = DateTimeOffset.UtcNow;
        await InsertAsync(_app.ConnectionString,
            new SeedCall("rtc_t1", "ended", now.AddMinutes(-3), DurationSeconds: 40),
            new SeedCall("rtc_t2", "failed", now.AddMinutes(-2), FallbackQueued: true));
        await ShouldMatchAsync("two calls");

        await SqlAsync("TRUNCATE calls CASCADE");
        await SqlAsync("SELECT call_stats_rebuild()");

        await ShouldMatchAsync("truncated");
        (await RollupRowsAsync()).ShouldBeEmpty();
    }

    /// <summary>Fallbacks purged (retention, erasure) whose day is rolled up: the roll-up keeps counting them.</summary>
    private readonly HashSet<string> _keptFallbacks = [];

    /// <summary>
    /// The new path (the app's <see cref="IAdminQueries"/>) against the reference, over several ranges, after a compaction
    /// (the compactor's statement, with the day it passes).
    /// </summary>
    private async Task ShouldMatchAsync(string step)
    {
        var closedBefore = EasyMo.Infrastructure.Persistence.CallStatsCompactor.ClosedBefore(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(30));
        await SqlAsync($"SELECT call_stats_compact('{closedBefore:yyyy-MM-dd}')");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        foreach (var days in Ranges)
        {
            var firstDay = today.AddDays(1 - days);
            var expected = Text(await StatsOverCalls.ComputeAsync(_app.ConnectionString, firstDay, today, [.. _keptFallbacks]));
            await using var scope = _app.Services.CreateAsyncScope();
            var actual = Text(await scope.ServiceProvider.GetRequiredService<IAdminQueries>().GetCallStatsAsync(firstDay, today, Ct));
            actual.ShouldBe(expected, $"{step}: {days} days");
            var analysis = Text(await scope.ServiceProvider.GetRequiredService<IAnalysisStats>().GetAsync(firstDay, today, Ct));
            analysis.ShouldBe(await StatsOverCalls.AnalysisAsync(_app.ConnectionString, firstDay, today), $"{step}: analyses, {days} days");
        }
    }

    /// <summary>
    /// Runs a purge; the fallbacks it deleted whose calls are on rolled-up days are kept by the roll-up, except on the days
    /// that still hold a ringing or accepted call (the seeds have some on old days): those are computed again at every
    /// compaction, and count what is there.
    /// </summary>
    private async Task KeepingPurgedFallbacksAsync(Func<Task> purge)
    {
        var before = await FallbackCallsAsync();
        await purge();
        var gone = before.Except(await FallbackCallsAsync()).ToArray();
        await using var connection = new NpgsqlConnection(_app.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            """
            SELECT c.call_id FROM calls c, call_stats_state s
            WHERE c.call_id = ANY(@ids) AND c.received_at < s.rolled_up_before::timestamp AT TIME ZONE 'UTC'
              AND NOT (c.received_at AT TIME ZONE 'UTC')::date = ANY(s.open_days)
            """,
            connection);
        command.Parameters.AddWithValue("ids", gone);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            _keptFallbacks.Add(reader.GetString(0));
        }
    }

    private async Task<List<string>> FallbackCallsAsync() =>
        await StringsAsync("SELECT substr(deduplication_key, 15) FROM outbox_messages WHERE deduplication_key LIKE 'call-fallback:%'");

    /// <summary>Marks the UTC days of the given calls dirty (what an operator does after changing old calls by hand).</summary>
    private async Task<HashSet<DateOnly>> MarkDirtyAsync(string[] callIds)
    {
        await using var connection = new NpgsqlConnection(_app.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO call_stats_dirty (day)
            SELECT DISTINCT (received_at AT TIME ZONE 'UTC')::date FROM calls WHERE call_id = ANY(@ids)
            RETURNING day
            """,
            connection);
        command.Parameters.AddWithValue("ids", callIds);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var days = new HashSet<DateOnly>();
        while (await reader.ReadAsync(Ct))
        {
            days.Add(reader.GetFieldValue<DateOnly>(0));
        }

        return days;
    }

    private async Task<List<string>> CallsOnDaysAsync(string[] callIds, HashSet<DateOnly> days)
    {
        await using var connection = new NpgsqlConnection(_app.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "SELECT call_id FROM calls WHERE call_id = ANY(@ids) AND (received_at AT TIME ZONE 'UTC')::date = ANY(@days)", connection);
        command.Parameters.AddWithValue("ids", callIds);
        command.Parameters.AddWithValue("days", days.ToArray());
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var found = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }

    private async Task<List<string>> StringsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_app.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private Task SqlAsync(string sql) => _app.SqlAsync(sql);

    private async Task InsertFallbackAsync(string callId, DateTimeOffset at, string status)
    {
        await using var connection = new NpgsqlConnection(_app.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO outbox_messages (id, deduplication_key, recipient, body, language, status, attempts, created_at, next_attempt_at, kind)
            VALUES (@id, @key, '250788000000', 'Sorry', 'en', @status, 0, @at, @at, 'text')
            """,
            connection);
        command.Parameters.AddWithValue("id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("key", $"call-fallback:{callId}");
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("at", at);
        await command.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>The roll-up's rows, as text.</summary>
    private async Task<List<string>> RollupRowsAsync()
    {
        await using var connection = new NpgsqlConnection(_app.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            """
            SELECT 'daily ' || d::text FROM call_stats_daily d
            UNION ALL SELECT 'seconds ' || s::text FROM call_stats_durations s
            UNION ALL SELECT 'minutes ' || m::text FROM call_stats_duration_minutes m
            UNION ALL SELECT 'waits ' || w::text FROM call_stats_waits w
            UNION ALL SELECT 'analysis ' || a::text FROM call_stats_analysis a
            ORDER BY 1
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    /// <summary>The analyses' figures as text: each day, service and sentiment with its counts.</summary>
    private static string Text(AnalysisFigures figures) =>
        string.Join('\n',
            figures.ByDay.Select(day => $"day {day.Date:yyyy-MM-dd} {day.Analysed} {day.Resolved} {day.FollowUp} {day.NotResolved}")
                .Concat(figures.ByService.Select(service => $"service {service.Service} {service.Analysed} {service.Resolved} {service.FollowUp} {service.NotResolved}"))
                .Concat(figures.BySentiment.Where(pair => pair.Value != 0).Select(pair => $"sentiment {pair.Key} {pair.Value}"))
                .Order(StringComparer.Ordinal));

    /// <summary>Every figure, as text: doubles to the last bit (R), lists in a fixed order.</summary>
    private static string Text(CallStats stats)
    {
        static string Map(IReadOnlyDictionary<string, int> map) =>
            string.Join(' ', map.Where(pair => pair.Value != 0).OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}"));
        static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "null";

        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"total {stats.Total} answered {stats.Answered} decided {stats.Decided} fallbacks {stats.FallbacksQueued} live {stats.LiveNow}")
            .AppendLine(CultureInfo.InvariantCulture, $"mean {Number(stats.MeanDurationSeconds)} p90 {Number(stats.P90DurationSeconds)}")
            .AppendLine(CultureInfo.InvariantCulture, $"histogram {string.Join(' ', stats.DurationHistogram.Select(b => $"{b.UpToSeconds?.ToString(CultureInfo.InvariantCulture) ?? "more"}:{b.Count}"))}")
            .AppendLine(CultureInfo.InvariantCulture, $"status {Map(stats.ByStatus)}")
            .AppendLine(CultureInfo.InvariantCulture, $"language {Map(stats.ByLanguage)}")
            .AppendLine(CultureInfo.InvariantCulture, $"channel {Map(stats.ByChannel)}")
            .AppendLine(CultureInfo.InvariantCulture, $"identity {Map(stats.ByIdentity)}");
        foreach (var day in stats.ByDay)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"day {day.Date:yyyy-MM-dd} {day.Total} {Map(day.ByStatus)}");
        }

        foreach (var use in (stats.VoiceUse ?? []).OrderBy(u => u.Date).ThenBy(u => u.Runtime).ThenBy(u => u.Model, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"voice {use.Date:yyyy-MM-dd} {use.Runtime} {use.Model ?? "-"} {use.Seconds}");
        }

        foreach (var day in stats.Waits ?? [])
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"waits {day.Date:yyyy-MM-dd} {day.Calls} {day.Turns} {day.TurnWaitP95Ms?.ToString(CultureInfo.InvariantCulture) ?? "null"}");
        }

        return text.ToString();
    }

    /// <summary>
    /// The stats as AdminQueries computed them before the roll-up (commit bae1f20), straight from <c>calls</c>: the
    /// reference the roll-up must equal; plus, in the fallbacks, the purged ones the roll-up keeps (<c>kept</c>
    /// of ComputeAsync: the calls whose fallback retention or erasure deleted after their day was rolled up).
    /// </summary>
    private static class StatsOverCalls
    {
        private const string CountsSql = """
            WITH counts AS MATERIALIZED (
                SELECT (received_at AT TIME ZONE 'UTC')::date AS day, status, language, channel, identity, count(*) AS n
                FROM calls WHERE received_at >= @from AND received_at < @to
                GROUP BY 1, 2, 3, 4, 5
            )
            SELECT 'day' AS kind, d.day::date AS day, c.status AS key, COALESCE(sum(c.n), 0)::int AS n
            FROM generate_series(@first_day::timestamp, @last_day::timestamp, interval '1 day') AS d(day)
            LEFT JOIN counts c ON c.day = d.day::date
            GROUP BY d.day, c.status
            UNION ALL
            SELECT 'language', NULL, language, sum(n)::int FROM counts GROUP BY language
            UNION ALL
            SELECT 'channel', NULL, channel, sum(n)::int FROM counts GROUP BY channel
            UNION ALL
            SELECT 'identity', NULL, identity, sum(n)::int FROM counts GROUP BY identity
            """;

        private const string VoiceSql = """
            SELECT (received_at AT TIME ZONE 'UTC')::date, runtime, model, sum(COALESCE(voice_seconds, duration_seconds))::bigint
            FROM calls
            WHERE received_at >= @from AND received_at < @to AND status = 'ended'
            GROUP BY 1, 2, 3
            """;

        private const string WaitsSql = """
            SELECT (received_at AT TIME ZONE 'UTC')::date, count(*)::int, sum(measured_turns)::int,
                   round(percentile_cont(0.95) WITHIN GROUP (ORDER BY turn_wait_p95_ms))::int
            FROM calls
            WHERE received_at >= @from AND received_at < @to AND status = 'ended' AND measured_turns > 0
            GROUP BY 1
            ORDER BY 1
            """;

        private const string FiguresSql = """
            SELECT count(*)::int,
                   count(*) FILTER (WHERE accepted_at IS NOT NULL AND status IN ('accepted', 'ended'))::int,
                   count(*) FILTER (WHERE status <> 'ringing')::int,
                   (SELECT count(*) FROM outbox_messages o JOIN calls f ON f.call_id = substr(o.deduplication_key, 15)
                    WHERE o.deduplication_key LIKE 'call-fallback:%' AND f.received_at >= @from AND f.received_at < @to)::int,
                   (avg(duration_seconds) FILTER (WHERE status = 'ended'))::float8,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY duration_seconds) FILTER (WHERE status = 'ended'),
                   count(*) FILTER (WHERE status = 'ended' AND duration_seconds <= 30)::int,
                   count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 30 AND duration_seconds <= 60)::int,
                   count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 60 AND duration_seconds <= 120)::int,
                   count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 120 AND duration_seconds <= 300)::int,
                   count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 300 AND duration_seconds <= 600)::int,
                   count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 600)::int,
                   (SELECT count(*) FROM calls WHERE status = 'accepted')::int
            FROM calls
            WHERE received_at >= @from AND received_at < @to
            """;

        /// <summary>The analyses' figures as AnalysisStats computed them before the roll-up, straight from <c>calls</c>.</summary>
        private const string AnalysisSql = """
            SELECT CASE WHEN GROUPING(day) = 0 THEN 'day' WHEN GROUPING(analysis_service) = 0 THEN 'service' ELSE 'sentiment' END AS kind,
                   day, analysis_service, analysis_sentiment,
                   count(*)::int,
                   count(*) FILTER (WHERE analysis_outcome = 'resolved')::int,
                   count(*) FILTER (WHERE analysis_outcome = 'follow_up')::int,
                   count(*) FILTER (WHERE analysis_outcome = 'not_resolved')::int
            FROM (
                SELECT (received_at AT TIME ZONE 'UTC')::date AS day, analysis_service, analysis_sentiment, analysis_outcome
                FROM calls
                WHERE received_at >= @from AND received_at < @to AND analysis_status = 'done' AND analysis_outcome IS NOT NULL
            ) analysed
            GROUP BY GROUPING SETS ((day), (analysis_service), (analysis_sentiment))
            """;

        public static async Task<string> AnalysisAsync(string connectionString, DateOnly firstDay, DateOnly lastDay)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand(AnalysisSql, connection);
            command.Parameters.AddWithValue("from", new DateTimeOffset(firstDay, TimeOnly.MinValue, TimeSpan.Zero));
            command.Parameters.AddWithValue("to", new DateTimeOffset(lastDay.AddDays(1), TimeOnly.MinValue, TimeSpan.Zero));
            await using var reader = await command.ExecuteReaderAsync(Ct);
            var lines = new List<string>();
            while (await reader.ReadAsync(Ct))
            {
                var counts = $"{reader.GetInt32(4)} {reader.GetInt32(5)} {reader.GetInt32(6)} {reader.GetInt32(7)}";
                switch (reader.GetString(0))
                {
                    case "day":
                        lines.Add($"day {reader.GetFieldValue<DateOnly>(1):yyyy-MM-dd} {counts}");
                        break;
                    case "service" when !reader.IsDBNull(2):
                        lines.Add($"service {reader.GetString(2)} {counts}");
                        break;
                    case "sentiment" when !reader.IsDBNull(3):
                        lines.Add($"sentiment {reader.GetString(3)} {reader.GetInt32(4)}");
                        break;
                }
            }

            return string.Join('\n', lines.Order(StringComparer.Ordinal));
        }

        private static readonly int?[] Bounds = [30, 60, 120, 300, 600, null];

        public static async Task<CallStats> ComputeAsync(string connectionString, DateOnly firstDay, DateOnly lastDay, string[] kept)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(Ct);
            var from = new DateTimeOffset(firstDay, TimeOnly.MinValue, TimeSpan.Zero);
            var to = new DateTimeOffset(lastDay.AddDays(1), TimeOnly.MinValue, TimeSpan.Zero);

            async Task<List<T>> Query<T>(string sql, Func<NpgsqlDataReader, T> map, params NpgsqlParameter[] extra)
            {
                await using var command = new NpgsqlCommand(sql, connection);
                command.Parameters.AddRange(extra);
                command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = from });
                command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = to });
                command.Parameters.Add(new NpgsqlParameter("first_day", NpgsqlDbType.Date) { Value = firstDay });
                command.Parameters.Add(new NpgsqlParameter("last_day", NpgsqlDbType.Date) { Value = lastDay });
                await using var reader = await command.ExecuteReaderAsync(Ct);
                var rows = new List<T>();
                while (await reader.ReadAsync(Ct))
                {
                    rows.Add(map(reader));
                }

                return rows;
            }

            var counts = await Query(CountsSql, r => (Kind: r.GetString(0), Day: r.IsDBNull(1) ? (DateOnly?)null : r.GetFieldValue<DateOnly>(1), Key: r.IsDBNull(2) ? null : r.GetString(2), N: r.GetInt32(3)));
            var byStatus = new Dictionary<string, int>();
            var byLanguage = new Dictionary<string, int>();
            var byChannel = new Dictionary<string, int>();
            var byIdentity = new Dictionary<string, int>();
            var days = new SortedDictionary<DateOnly, Dictionary<string, int>>();
            foreach (var row in counts)
            {
                switch (row.Kind)
                {
                    case "day":
                        var day = days.TryGetValue(row.Day!.Value, out var found) ? found : days[row.Day.Value] = [];
                        if (row.Key is not null)
                        {
                            day[row.Key] = row.N;
                            byStatus[row.Key] = byStatus.GetValueOrDefault(row.Key) + row.N;
                        }

                        break;
                    case "language":
                        byLanguage[row.Key!] = row.N;
                        break;
                    case "channel":
                        byChannel[row.Key!] = row.N;
                        break;
                    default:
                        byIdentity[row.Key!] = row.N;
                        break;
                }
            }

            var figures = (await Query(FiguresSql, r => (
                Total: r.GetInt32(0), Answered: r.GetInt32(1), Decided: r.GetInt32(2), Fallbacks: r.GetInt32(3),
                Mean: r.IsDBNull(4) ? (double?)null : r.GetDouble(4), P90: r.IsDBNull(5) ? (double?)null : r.GetDouble(5),
                Histogram: Bounds.Select((bound, i) => new DurationBucket(bound, r.GetInt32(6 + i))).ToArray(), Live: r.GetInt32(12))))[0];
            var keptInRange = (await Query(
                "SELECT count(*)::int FROM calls WHERE call_id = ANY(@kept) AND received_at >= @from AND received_at < @to",
                r => r.GetInt32(0),
                new NpgsqlParameter("kept", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = kept }))[0];
            var voice = await Query(VoiceSql, r => new VoiceUse(r.GetFieldValue<DateOnly>(0), StateNames.Parse<VoiceRuntime>(r.GetString(1)), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? 0 : r.GetInt64(3)));
            var waits = await Query(WaitsSql, r => new DayWaits(r.GetFieldValue<DateOnly>(0), r.GetInt32(1), r.GetInt32(2), r.IsDBNull(3) ? null : r.GetInt32(3)));
            return new CallStats(
                figures.Total,
                [.. days.Select(day => new DayCount(day.Key, day.Value.Values.Sum(), day.Value))],
                byStatus, byLanguage, byChannel, byIdentity,
                figures.Answered, figures.Decided, figures.Fallbacks + keptInRange, figures.Mean, figures.P90, figures.Histogram, figures.Live,
                voice, waits);
        }
    }
}
