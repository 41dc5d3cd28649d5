using System.Data.Common;
using System.Text;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Features.Calls;
using EasyMo.Application.Features.Calls.GetCall;
using EasyMo.Application.Features.Calls.ListCalls;
using EasyMo.Application.Features.Stats.GetCallStats;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// The operators' reads, in SQL on the context's connection. The list is a keyset walk of
/// <c>ix_calls_received_at_call_id</c> (or of the status / caller composites when those filter): no OFFSET, so a page
/// costs the same at any depth. The stats read closed days from the daily roll-up (migration <c>CallStatsRollup</c>)
/// and the open ones from <c>calls</c>, whatever the range's size.
/// </summary>
internal sealed class AdminQueries(EasyMoDbContext db, TimeProvider time, IOptions<CallHandlingOptions> calls) : IAdminQueries
{
    private const string ListColumns =
        "SELECT call_id, status, channel, identity, language, caller, callee, trunk, received_at, accepted_at, ended_at, duration_seconds, end_reason, analysis_outcome, analysis_service, analysis_sentiment FROM calls";

    private static readonly int?[] HistogramBounds = [30, 60, 120, 300, 600, null];

    public async Task<IReadOnlyList<CallListItem>> ListCallsAsync(CallListFilter filter, CallKeyset? after, int take, CancellationToken cancellationToken)
    {
        var (sql, parameters) = ListSql(filter, after, take);
        return await QueryAsync(sql, parameters, reader => new CallListItem(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetString(6),
            reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.GetFieldValue<DateTimeOffset>(8),
            reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
            reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
            reader.IsDBNull(11) ? null : reader.GetInt32(11),
            reader.IsDBNull(12) ? null : reader.GetString(12),
            reader.IsDBNull(13) ? null : reader.GetString(13),
            reader.IsDBNull(14) ? null : reader.GetString(14),
            reader.IsDBNull(15) ? null : reader.GetString(15)), cancellationToken);
    }

    /// <summary>The list's statement: only the filters given appear in it, so each gets a plan of its own.</summary>
    internal static (string Sql, NpgsqlParameter[] Parameters) ListSql(CallListFilter filter, CallKeyset? after, int take)
    {
        var sql = new StringBuilder(ListColumns).Append(" WHERE TRUE");
        var parameters = new List<NpgsqlParameter>();
        void Add(string condition, string name, object value, NpgsqlDbType type)
        {
            sql.Append(" AND ").Append(condition);
            parameters.Add(new NpgsqlParameter(name, type) { Value = value });
        }

        if (filter.Status is not null)
        {
            Add("status = @status", "status", filter.Status, NpgsqlDbType.Varchar);
        }

        if (filter.Channel is not null)
        {
            Add("channel = @channel", "channel", filter.Channel, NpgsqlDbType.Varchar);
        }

        if (filter.Identity is not null)
        {
            Add("identity = @identity", "identity", filter.Identity, NpgsqlDbType.Varchar);
        }

        if (filter.Language is not null)
        {
            Add("language = @language", "language", filter.Language, NpgsqlDbType.Varchar);
        }

        // The analysis's filters walk the main index like channel and language (a few values each).
        if (filter.Outcome is not null)
        {
            Add("analysis_outcome = @outcome", "outcome", filter.Outcome, NpgsqlDbType.Varchar);
        }

        if (filter.Service is not null)
        {
            Add("analysis_service = @service", "service", filter.Service, NpgsqlDbType.Varchar);
        }

        if (filter.Sentiment is not null)
        {
            Add("analysis_sentiment = @sentiment", "sentiment", filter.Sentiment, NpgsqlDbType.Varchar);
        }

        if (filter.Caller is not null)
        {
            Add("caller = @caller", "caller", filter.Caller, NpgsqlDbType.Varchar);
        }

        if (filter.From is { } from)
        {
            Add("received_at >= @from", "from", from.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        }

        if (filter.To is { } to)
        {
            Add("received_at < @to", "to", to.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        }

        if (after is not null)
        {
            sql.Append(" AND (received_at, call_id) < (@after_at, @after_id)");
            parameters.Add(new NpgsqlParameter("after_at", NpgsqlDbType.TimestampTz) { Value = after.StartedAt.ToUniversalTime() });
            parameters.Add(new NpgsqlParameter("after_id", NpgsqlDbType.Varchar) { Value = after.CallId });
        }

        sql.Append(" ORDER BY received_at DESC, call_id DESC LIMIT @take");
        parameters.Add(new NpgsqlParameter("take", NpgsqlDbType.Integer) { Value = take });
        return (sql.ToString(), [.. parameters]);
    }

    /// <summary>
    /// One statement over the tables that record a call's life (<c>webhook_deliveries</c> holds only the incoming event,
    /// which the call row already dates). The rank orders events that share a timestamp
    /// (the ring before the decision, the decision before what followed, the end last).
    /// </summary>
    public async Task<IReadOnlyList<CallEvent>> GetCallEventsAsync(Guid id, OpenAiCallId callId, CancellationToken cancellationToken)
    {
        var sql = $$"""
            SELECT at, type, detail FROM (
                SELECT received_at AS at, 'ringing' AS type, channel || COALESCE(' via ' || trunk, '') AS detail, 0 AS rank
                FROM calls WHERE id = @id
                UNION ALL
                SELECT accepted_at, 'accepted', concat_ws(' ', model, voice), 1 FROM calls WHERE id = @id AND accepted_at IS NOT NULL
                UNION ALL
                SELECT decided_at, status, concat_ws(' ', 'sip ' || sip_status_code, end_reason), 1
                FROM calls WHERE id = @id AND decided_at IS NOT NULL
                UNION ALL
                SELECT at, kind, name || COALESCE(': ' || detail, ''), 2 FROM call_activities WHERE call_id = @id
                UNION ALL
                SELECT at, 'request', service, 2 FROM call_requests WHERE call_id = @id
                UNION ALL
                SELECT connected_at, 'whatsapp_connected', NULL, 0 FROM whatsapp_calls WHERE call_id = @id AND connected_at IS NOT NULL
                UNION ALL
                SELECT terminated_at, 'whatsapp_terminated', termination_status, 4
                FROM whatsapp_calls WHERE call_id = @id AND terminated_at IS NOT NULL
                UNION ALL
                SELECT created_at, 'whatsapp_fallback_queued', NULL, 3 FROM outbox_messages WHERE deduplication_key = 'call-fallback:' || @call_id
                UNION ALL
                SELECT sent_at, 'whatsapp_fallback_sent', delivery_status, 3
                FROM outbox_messages WHERE deduplication_key = 'call-fallback:' || @call_id AND sent_at IS NOT NULL
                UNION ALL
                SELECT created_at, 'transfer_brief_queued', '#' || {{TransferBriefKeys.Ordinal("deduplication_key", "@call_id")}}, 3
                FROM outbox_messages WHERE {{TransferBriefKeys.Of("deduplication_key", "@call_id")}}
                UNION ALL
                SELECT sent_at, 'transfer_brief_sent', concat_ws(' ', '#' || {{TransferBriefKeys.Ordinal("deduplication_key", "@call_id")}}, delivery_status), 3
                FROM outbox_messages WHERE {{TransferBriefKeys.Of("deduplication_key", "@call_id")}} AND sent_at IS NOT NULL
                UNION ALL
                SELECT ended_at, 'ended', end_reason, 4 FROM calls WHERE id = @id AND ended_at IS NOT NULL
                UNION ALL
                SELECT summary_settled_at, 'summary', summary_status, 5 FROM calls WHERE id = @id AND summary_settled_at IS NOT NULL
            ) AS events
            ORDER BY at, rank
            """;
        return await QueryAsync(
            sql,
            [new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = id }, new NpgsqlParameter("call_id", NpgsqlDbType.Varchar) { Value = callId.Value }],
            reader => new CallEvent(
                reader.GetFieldValue<DateTimeOffset>(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2)),
            cancellationToken);
    }

    public async Task<(int Calls, DateTimeOffset? LastCallAt)> CountProfileCallsAsync(Guid profileId, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            "SELECT count(*)::int, max(received_at) FROM calls WHERE profile_id = @id",
            [new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = profileId }],
            reader => (reader.GetInt32(0), reader.IsDBNull(1) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(1)),
            cancellationToken);
        return rows[0];
    }

    /// <summary>
    /// Counts per day and status (every day of the range from <c>generate_series</c>, empty ones too), per language, per
    /// channel and per caller identity: the closed days (before <c>@split</c>, the roll-up's watermark) from
    /// <c>call_stats_daily</c> (migration <c>CallStatsRollup</c>: one row per UTC day of <c>received_at</c>, status,
    /// language, channel, identity, runtime and model; a year is about 366 × 50 rows, not a million calls), the days from
    /// the watermark on (today and yesterday, normally) from <c>calls</c> with the aggregate the roll-up computes.
    /// </summary>
    internal const string StatsCountsSql = """
        WITH counts AS MATERIALIZED (
            SELECT day, status, language, channel, identity, sum(calls) AS n
            FROM call_stats_daily
            WHERE day >= @first_day AND day < @split
            GROUP BY 1, 2, 3, 4, 5
            UNION ALL
            SELECT (received_at AT TIME ZONE 'UTC')::date, status, language, channel, identity, count(*)
            FROM calls WHERE received_at >= @live_from AND received_at < @to
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

    /// <summary>
    /// The voice of the range's ended calls per day, runtime and model (what their cost is computed from): GPT-Live's
    /// counted seconds, or else the call's duration. Closed days from the roll-up, the others from <c>calls</c>.
    /// </summary>
    internal const string StatsVoiceSql = """
        SELECT day, runtime, model, sum(voice_seconds)::bigint
        FROM call_stats_daily
        WHERE day >= @first_day AND day < @split AND status = 'ended'
        GROUP BY 1, 2, 3
        UNION ALL
        SELECT (received_at AT TIME ZONE 'UTC')::date, runtime, model, sum(COALESCE(voice_seconds, duration_seconds))::bigint
        FROM calls
        WHERE received_at >= @live_from AND received_at < @to AND status = 'ended'
        GROUP BY 1, 2, 3
        """;

    /// <summary>
    /// Each day's caller waits (calls received that day and followed to their end): the calls and turns measured, and the
    /// 95th percentile over those calls of each call's own p95 turn wait (what one caller in twenty waited at worst on a
    /// bad turn). A closed day's exact percentile is in <c>call_stats_waits</c>; the open days' are computed here.
    /// </summary>
    internal const string StatsWaitsSql = """
        SELECT day, calls::int, turns::int, p95
        FROM call_stats_waits
        WHERE day >= @first_day AND day < @split
        UNION ALL
        SELECT (received_at AT TIME ZONE 'UTC')::date, count(*)::int, sum(measured_turns)::int,
               round(percentile_cont(0.95) WITHIN GROUP (ORDER BY turn_wait_p95_ms))::int
        FROM calls
        WHERE received_at >= @live_from AND received_at < @to AND status = 'ended' AND measured_turns > 0
        GROUP BY 1
        ORDER BY 1
        """;

    /// <summary>
    /// Rates, the mean duration and the histogram: closed days from the roll-up, the others from <c>calls</c>; live calls
    /// from the partial index <c>ix_calls_live</c>. Fallbacks are the range's calls' <c>call-fallback:{call id}</c> outbox
    /// messages (for closed days, as they were when the day was rolled up: purging a sent message does not change them).
    /// </summary>
    internal const string StatsFiguresSql = """
        WITH r AS (
            SELECT sum(calls) AS calls, sum(answered) AS answered, sum(calls) FILTER (WHERE status <> 'ringing') AS decided,
                   sum(fallbacks) AS fallbacks, sum(timed) AS timed, sum(timed_seconds) AS timed_seconds,
                   sum(up_to_30) AS up_to_30, sum(up_to_60) AS up_to_60, sum(up_to_120) AS up_to_120,
                   sum(up_to_300) AS up_to_300, sum(up_to_600) AS up_to_600, sum(longer) AS longer
            FROM call_stats_daily
            WHERE day >= @first_day AND day < @split
            UNION ALL
            SELECT count(*),
                   count(*) FILTER (WHERE accepted_at IS NOT NULL AND status IN ('accepted', 'ended')),
                   count(*) FILTER (WHERE status <> 'ringing'),
                   (SELECT count(*) FROM outbox_messages o JOIN calls f ON f.call_id = substr(o.deduplication_key, 15)
                    WHERE o.deduplication_key LIKE 'call-fallback:%' AND f.received_at >= @live_from AND f.received_at < @to),
                   count(duration_seconds) FILTER (WHERE status = 'ended'),
                   sum(duration_seconds) FILTER (WHERE status = 'ended'),
                   count(*) FILTER (WHERE status = 'ended' AND duration_seconds <= 30),
                   count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 30 AND duration_seconds <= 60),
                   count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 60 AND duration_seconds <= 120),
                   count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 120 AND duration_seconds <= 300),
                   count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 300 AND duration_seconds <= 600),
                   count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 600)
            FROM calls
            WHERE received_at >= @live_from AND received_at < @to
        )
        SELECT COALESCE(sum(calls), 0)::int,
               COALESCE(sum(answered), 0)::int,
               COALESCE(sum(decided), 0)::int,
               COALESCE(sum(fallbacks), 0)::int,
               (sum(timed_seconds)::numeric / NULLIF(sum(timed), 0))::float8,
               COALESCE(sum(up_to_30), 0)::int,
               COALESCE(sum(up_to_60), 0)::int,
               COALESCE(sum(up_to_120), 0)::int,
               COALESCE(sum(up_to_300), 0)::int,
               COALESCE(sum(up_to_600), 0)::int,
               COALESCE(sum(longer), 0)::int,
               (SELECT count(*) FROM calls WHERE status = 'accepted')::int
        FROM r
        """;

    /// <summary>The range's ended calls per whole minute of duration (closed days: <c>call_stats_duration_minutes</c>).</summary>
    internal const string StatsDurationMinutesSql = """
        SELECT minute, sum(calls)::bigint
        FROM (SELECT minute, calls FROM call_stats_duration_minutes WHERE day >= @first_day AND day < @split
              UNION ALL
              SELECT duration_seconds / 60, 1 FROM calls
              WHERE received_at >= @live_from AND received_at < @to AND status = 'ended' AND duration_seconds IS NOT NULL) r
        GROUP BY minute ORDER BY minute
        """;

    /// <summary>The range's ended calls per second of duration between two bounds (closed days: <c>call_stats_durations</c>).</summary>
    internal const string StatsDurationSecondsSql = """
        SELECT seconds, sum(calls)::bigint
        FROM (SELECT seconds, calls FROM call_stats_durations
              WHERE seconds >= @low AND seconds <= @high AND day >= @first_day AND day < @split
              UNION ALL
              SELECT duration_seconds, 1 FROM calls
              WHERE received_at >= @live_from AND received_at < @to AND status = 'ended'
                AND duration_seconds >= @low AND duration_seconds <= @high) r
        GROUP BY seconds ORDER BY seconds
        """;

    public async Task<CallStats> GetCallStatsAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
    {
        // The roll-up's watermark: the days before it are read from the roll-up, the others from calls. A read that finds it
        // behind the closed days (no compaction for a while) compacts first; if another instance is compacting, it reads
        // with the watermark it found, which is as exact (every statement below splits at the same day).
        var closedBefore = CallStatsCompactor.ClosedBefore(time.GetUtcNow(), calls.Value.MaxCallDuration);
        var watermark = await RollupWatermarkAsync(cancellationToken);
        if (watermark is null || watermark < closedBefore)
        {
            await QueryAsync(
                "SELECT call_stats_compact(@closed_before)",
                [new NpgsqlParameter("closed_before", NpgsqlDbType.Date) { Value = closedBefore }],
                _ => 0,
                cancellationToken);
            watermark = await RollupWatermarkAsync(cancellationToken);
        }

        var split = watermark is not { } w ? firstDay : w < firstDay ? firstDay : w > lastDay.AddDays(1) ? lastDay.AddDays(1) : w;
        var to = new DateTimeOffset(lastDay.AddDays(1), TimeOnly.MinValue, TimeSpan.Zero);
        var liveFrom = new DateTimeOffset(split, TimeOnly.MinValue, TimeSpan.Zero);
        NpgsqlParameter[] Days() =>
        [
            new("first_day", NpgsqlDbType.Date) { Value = firstDay },
            new("last_day", NpgsqlDbType.Date) { Value = lastDay },
            new("split", NpgsqlDbType.Date) { Value = split },
            new("live_from", NpgsqlDbType.TimestampTz) { Value = liveFrom },
            new("to", NpgsqlDbType.TimestampTz) { Value = to },
        ];
        var rows = await QueryAsync(
            StatsCountsSql,
            Days(),
            reader => (Kind: reader.GetString(0), Day: reader.IsDBNull(1) ? (DateOnly?)null : reader.GetFieldValue<DateOnly>(1),
                Key: reader.IsDBNull(2) ? null : reader.GetString(2), Count: reader.GetInt32(3)),
            cancellationToken);
        var byStatusTotal = Zeroes(CallListParameters.Statuses);
        var byLanguage = Zeroes(CallListParameters.Languages);
        var byChannel = Zeroes(CallListParameters.Channels);
        var byIdentity = Zeroes(CallListParameters.Identities);
        var days = new SortedDictionary<DateOnly, Dictionary<string, int>>();
        foreach (var row in rows)
        {
            switch (row.Kind)
            {
                case "day":
                    if (!days.TryGetValue(row.Day!.Value, out var byStatus))
                    {
                        days[row.Day.Value] = byStatus = Zeroes(CallListParameters.Statuses);
                    }

                    if (row.Key is not null)
                    {
                        byStatus[row.Key] = row.Count;
                        byStatusTotal[row.Key] += row.Count;
                    }

                    break;
                case "language":
                    byLanguage[row.Key!] = row.Count;
                    break;
                case "identity":
                    byIdentity[row.Key!] = row.Count;
                    break;
                default:
                    byChannel[row.Key!] = row.Count;
                    break;
            }
        }

        var byDay = days.Select(day => new DayCount(day.Key, day.Value.Values.Sum(), day.Value)).ToArray();

        var figures = (await QueryAsync(StatsFiguresSql, Days(), reader =>
        {
            var counts = Enumerable.Range(5, 6).Select(reader.GetInt32).ToArray();
            return new
            {
                Total = reader.GetInt32(0),
                Answered = reader.GetInt32(1),
                Decided = reader.GetInt32(2),
                Fallbacks = reader.GetInt32(3),
                Mean = reader.IsDBNull(4) ? (double?)null : reader.GetDouble(4),
                Histogram = HistogramBounds.Select((bound, index) => new DurationBucket(bound, counts[index])).ToArray(),
                Live = reader.GetInt32(11),
            };
        }, cancellationToken))[0];

        var p90 = await DurationPercentileAsync(0.9, Days, cancellationToken);

        var voice = await QueryAsync(
            StatsVoiceSql,
            Days(),
            reader => new VoiceUse(reader.GetFieldValue<DateOnly>(0), StateNames.Parse<VoiceRuntime>(reader.GetString(1)), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? 0 : reader.GetInt64(3)),
            cancellationToken);

        var waits = await QueryAsync(
            StatsWaitsSql,
            Days(),
            reader => new DayWaits(reader.GetFieldValue<DateOnly>(0), reader.GetInt32(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetInt32(3)),
            cancellationToken);

        return new CallStats(
            figures.Total,
            byDay,
            byStatusTotal,
            byLanguage,
            byChannel,
            byIdentity,
            figures.Answered,
            figures.Decided,
            figures.Fallbacks,
            figures.Mean,
            p90,
            figures.Histogram,
            figures.Live,
            voice,
            waits);
    }

    /// <summary>
    /// PostgreSQL's <c>percentile_cont</c> over the range's ended calls' durations, exactly: durations are whole seconds
    /// and the roll-up counts calls per second of duration, so the two ranks the percentile falls between are found in
    /// the per-minute counts first, then their seconds in that minute's (or those minutes') per-second counts.
    /// </summary>
    private async Task<double?> DurationPercentileAsync(double fraction, Func<NpgsqlParameter[]> days, CancellationToken cancellationToken)
    {
        var minutes = await QueryAsync(StatsDurationMinutesSql, days(), reader => (Minute: reader.GetInt32(0), Calls: reader.GetInt64(1)), cancellationToken);
        var total = minutes.Sum(minute => minute.Calls);
        if (total <= 0)
        {
            return null;
        }

        // As percentile_cont: the rows at floor and ceil of fraction × (n − 1) (from 0), interpolated.
        var position = fraction * (total - 1);
        var lowRank = (long)Math.Floor(position);
        var highRank = (long)Math.Ceiling(position);
        int MinuteOf(long rank)
        {
            long before = 0;
            foreach (var (minute, calls) in minutes)
            {
                if (rank < before + calls)
                {
                    return minute;
                }

                before += calls;
            }

            return minutes[^1].Minute;
        }

        var lowMinute = MinuteOf(lowRank);
        var highMinute = MinuteOf(highRank);
        var callsBefore = minutes.TakeWhile(minute => minute.Minute < lowMinute).Sum(minute => minute.Calls);
        var seconds = await QueryAsync(
            StatsDurationSecondsSql,
            [
                .. days(),
                new NpgsqlParameter("low", NpgsqlDbType.Integer) { Value = lowMinute * 60 },
                new NpgsqlParameter("high", NpgsqlDbType.Integer) { Value = (highMinute * 60) + 59 },
            ],
            reader => (Seconds: reader.GetInt32(0), Calls: reader.GetInt64(1)),
            cancellationToken);
        double ValueAt(long rank)
        {
            var before = callsBefore;
            foreach (var (value, calls) in seconds)
            {
                if (rank < before + calls)
                {
                    return value;
                }

                before += calls;
            }

            return seconds[^1].Seconds;
        }

        var low = ValueAt(lowRank);
        var high = ValueAt(highRank);
        return low + ((high - low) * (position - lowRank));
    }

    private async Task<DateOnly?> RollupWatermarkAsync(CancellationToken cancellationToken) =>
        (await QueryAsync(
            "SELECT rolled_up_before FROM call_stats_state",
            [],
            reader => reader.IsDBNull(0) ? (DateOnly?)null : reader.GetFieldValue<DateOnly>(0),
            cancellationToken)).SingleOrDefault();

    private static Dictionary<string, int> Zeroes(IEnumerable<string> keys) => keys.ToDictionary(key => key, _ => 0);

    private async Task<List<T>> QueryAsync<T>(string sql, NpgsqlParameter[] parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddRange(parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(map(reader));
            }

            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
