using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasyMo.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The daily roll-up of <c>calls</c> that <c>GET /api/stats/calls</c> reads (issue 18, part 5), kept exact by
    /// PostgreSQL itself: statement triggers on <c>calls</c> (insert, update, delete, truncate) and on
    /// <c>outbox_messages</c> (the calls' WhatsApp fallbacks) append what the new rows add and the old rows took away to
    /// <c>*_pending</c> tables, so every writer (the hot path, retention, erasure, seeds, manual SQL) keeps it current;
    /// <c>call_stats_compact()</c> folds those into the daily tables. Not in the EF model: these tables are
    /// written by the triggers only and read in SQL (AdminQueries). <c>call_stats_rebuild()</c> refills them from
    /// <c>calls</c> (docs/operations.md); the migration runs it once, as the backfill.
    /// </summary>
    public partial class CallStatsRollup : Migration
    {
        // What a set of call rows adds to the roll-up, for a source of (sign, the call's columns): +1 for rows that are
        // there now, -1 for rows that are gone (the old side of an update, deleted rows). The triggers only append these
        // deltas to the *_pending tables (no row is updated, so 64 writers of today's calls never wait on each other's
        // lock: an upsert of today's rows made them queue, 10 times fewer calls a second in the pgbench A/B);
        // call_stats_compact() folds them into the daily tables, and the stats read both. Groups whose every sum is zero
        // (an update that changed nothing the figures read) write nothing.
        private static string Apply(string source) => $$"""
            WITH src AS ({{source}}),
            r AS (
                SELECT src.sign, (src.received_at AT TIME ZONE 'UTC')::date AS day, src.status, src.language, src.channel,
                       src.identity, src.runtime, src.model,
                       CASE WHEN src.accepted_at IS NOT NULL AND src.status IN ('accepted', 'ended') THEN src.sign ELSE 0 END AS answered,
                       CASE WHEN EXISTS (SELECT 1 FROM outbox_messages o WHERE o.deduplication_key = 'call-fallback:' || src.call_id)
                            THEN src.sign ELSE 0 END AS fallbacks,
                       CASE WHEN src.status = 'ended' THEN src.duration_seconds END AS d,
                       CASE WHEN src.status = 'ended' THEN COALESCE(src.voice_seconds, src.duration_seconds, 0) ELSE 0 END AS voice,
                       src.status = 'ended' AND src.measured_turns > 0 AS measured, src.measured_turns
                FROM src
            ),
            daily AS (
                INSERT INTO call_stats_daily_pending (day, status, language, channel, identity, runtime, model, calls, answered,
                    fallbacks, timed, timed_seconds, voice_seconds, up_to_30, up_to_60, up_to_120, up_to_300, up_to_600, longer)
                SELECT * FROM (
                    SELECT day, status, language, channel, identity, runtime, model, sum(sign) AS calls, sum(answered) AS answered,
                           sum(fallbacks) AS fallbacks,
                           sum(CASE WHEN d IS NOT NULL THEN sign ELSE 0 END) AS timed, sum(sign * COALESCE(d, 0)) AS timed_seconds,
                           sum(sign * voice) AS voice_seconds,
                           sum(CASE WHEN d <= 30 THEN sign ELSE 0 END) AS up_to_30,
                           sum(CASE WHEN d > 30 AND d <= 60 THEN sign ELSE 0 END) AS up_to_60,
                           sum(CASE WHEN d > 60 AND d <= 120 THEN sign ELSE 0 END) AS up_to_120,
                           sum(CASE WHEN d > 120 AND d <= 300 THEN sign ELSE 0 END) AS up_to_300,
                           sum(CASE WHEN d > 300 AND d <= 600 THEN sign ELSE 0 END) AS up_to_600,
                           sum(CASE WHEN d > 600 THEN sign ELSE 0 END) AS longer
                    FROM r GROUP BY day, status, language, channel, identity, runtime, model
                ) g
                WHERE (calls, answered, fallbacks, timed, timed_seconds, voice_seconds, up_to_30, up_to_60, up_to_120, up_to_300, up_to_600, longer)
                      <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            ),
            durations AS (
                INSERT INTO call_stats_durations_pending (seconds, day, calls)
                SELECT d, day, sum(sign) FROM r WHERE d IS NOT NULL GROUP BY d, day HAVING sum(sign) <> 0
            )
            -- Every measured group, even one that adds up to nothing: its day's percentile may have moved.
            INSERT INTO call_stats_waits_pending (day, calls, turns)
            SELECT day, sum(sign), sum(sign * measured_turns) FROM r WHERE measured GROUP BY day
            """;

        private const string Columns =
            "received_at, status, language, channel, identity, runtime, model, accepted_at, duration_seconds, voice_seconds, measured_turns, turn_wait_p95_ms, call_id";

        private static string Prefixed(string alias) => string.Join(", ", Columns.Split(", ").Select(column => $"{alias}.{column}"));

        // A fallback queued or removed: +1 / -1 on its call's roll-up key (a call not there yet counts it when inserted:
        // Apply looks for its fallback).
        private static string ApplyFallbacks(string source) => $$"""
            INSERT INTO call_stats_daily_pending (day, status, language, channel, identity, runtime, model, calls, answered,
                fallbacks, timed, timed_seconds, voice_seconds, up_to_30, up_to_60, up_to_120, up_to_300, up_to_600, longer)
            SELECT (c.received_at AT TIME ZONE 'UTC')::date, c.status, c.language, c.channel, c.identity, c.runtime, c.model,
                   0, 0, sum(o.sign), 0, 0, 0, 0, 0, 0, 0, 0, 0
            FROM ({{source}}) o JOIN calls c ON c.call_id = substr(o.deduplication_key, 15)
            WHERE o.deduplication_key LIKE 'call-fallback:%'
            GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(o.sign) <> 0
            """;

        // Each day's exact 95th percentile of its measured calls' own p95 (AdminQueries recomputes a day whose version
        // moved since: a percentile cannot be added to).
        private const string WaitsPercentiles = """
            UPDATE call_stats_waits w SET p95 = x.p95, p95_version = w.version
            FROM (SELECT (received_at AT TIME ZONE 'UTC')::date AS day,
                         round(percentile_cont(0.95) WITHIN GROUP (ORDER BY turn_wait_p95_ms))::int AS p95
                  FROM calls WHERE status = 'ended' AND measured_turns > 0 GROUP BY 1) x
            WHERE w.day = x.day
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE call_stats_daily (
                    day date NOT NULL,
                    status varchar(16) NOT NULL,
                    language varchar(8) NOT NULL,
                    channel varchar(16) NOT NULL,
                    identity varchar(16) NOT NULL,
                    runtime varchar(16) NOT NULL,
                    model varchar(64),
                    calls bigint NOT NULL,
                    answered bigint NOT NULL,
                    fallbacks bigint NOT NULL,
                    timed bigint NOT NULL,
                    timed_seconds bigint NOT NULL,
                    voice_seconds bigint NOT NULL,
                    up_to_30 bigint NOT NULL,
                    up_to_60 bigint NOT NULL,
                    up_to_120 bigint NOT NULL,
                    up_to_300 bigint NOT NULL,
                    up_to_600 bigint NOT NULL,
                    longer bigint NOT NULL
                );
                CREATE UNIQUE INDEX ux_call_stats_daily ON call_stats_daily (day, status, language, channel, identity, runtime, model) NULLS NOT DISTINCT;
                CREATE TABLE call_stats_durations (
                    seconds integer NOT NULL,
                    day date NOT NULL,
                    calls bigint NOT NULL,
                    CONSTRAINT pk_call_stats_durations PRIMARY KEY (seconds, day)
                );
                CREATE TABLE call_stats_duration_minutes (
                    day date NOT NULL,
                    minute integer NOT NULL,
                    calls bigint NOT NULL,
                    CONSTRAINT pk_call_stats_duration_minutes PRIMARY KEY (day, minute)
                );
                CREATE TABLE call_stats_daily_pending (LIKE call_stats_daily);
                CREATE TABLE call_stats_durations_pending (seconds integer NOT NULL, day date NOT NULL, calls bigint NOT NULL);
                CREATE TABLE call_stats_waits_pending (day date NOT NULL, calls bigint NOT NULL, turns bigint NOT NULL);
                CREATE TABLE call_stats_waits (
                    day date NOT NULL,
                    calls bigint NOT NULL,
                    turns bigint NOT NULL,
                    version bigint NOT NULL,
                    p95 integer,
                    p95_version bigint,
                    CONSTRAINT pk_call_stats_waits PRIMARY KEY (day)
                );
                """);

            migrationBuilder.Sql($$"""
                CREATE FUNCTION call_stats_calls_inserted() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    {{Apply($"SELECT 1 AS sign, {Prefixed("n")} FROM new_rows n")}};
                    RETURN NULL;
                END $fn$;

                CREATE FUNCTION call_stats_calls_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    {{Apply($"SELECT -1 AS sign, {Prefixed("o")} FROM old_rows o")}};
                    RETURN NULL;
                END $fn$;

                CREATE FUNCTION call_stats_calls_updated() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    {{Apply($"""
                        SELECT -1 AS sign, {Prefixed("o")} FROM old_rows o JOIN new_rows n ON n.id = o.id
                        WHERE ({Prefixed("o")}) IS DISTINCT FROM ({Prefixed("n")})
                        UNION ALL
                        SELECT 1, {Prefixed("n")} FROM old_rows o JOIN new_rows n ON n.id = o.id
                        WHERE ({Prefixed("o")}) IS DISTINCT FROM ({Prefixed("n")})
                        """)}};
                    RETURN NULL;
                END $fn$;

                CREATE FUNCTION call_stats_calls_truncated() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    TRUNCATE call_stats_daily, call_stats_durations, call_stats_duration_minutes, call_stats_waits,
                        call_stats_daily_pending, call_stats_durations_pending, call_stats_waits_pending;
                    RETURN NULL;
                END $fn$;

                CREATE FUNCTION call_stats_fallbacks_inserted() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    {{ApplyFallbacks("SELECT 1 AS sign, deduplication_key FROM new_rows")}};
                    RETURN NULL;
                END $fn$;

                CREATE FUNCTION call_stats_fallbacks_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    {{ApplyFallbacks("SELECT -1 AS sign, deduplication_key FROM old_rows")}};
                    RETURN NULL;
                END $fn$;

                CREATE FUNCTION call_stats_fallbacks_updated() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    {{ApplyFallbacks("""
                        SELECT -1 AS sign, o.deduplication_key FROM old_rows o JOIN new_rows n ON n.id = o.id
                        WHERE o.deduplication_key IS DISTINCT FROM n.deduplication_key
                        UNION ALL
                        SELECT 1, n.deduplication_key FROM old_rows o JOIN new_rows n ON n.id = o.id
                        WHERE o.deduplication_key IS DISTINCT FROM n.deduplication_key
                        """)}};
                    RETURN NULL;
                END $fn$;

                CREATE FUNCTION call_stats_fallbacks_truncated() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    UPDATE call_stats_daily SET fallbacks = 0 WHERE fallbacks <> 0;
                    UPDATE call_stats_daily_pending SET fallbacks = 0 WHERE fallbacks <> 0;
                    RETURN NULL;
                END $fn$;

                -- Folds the pending deltas into the daily tables. One at a time (a second caller returns at once); rows
                -- appended meanwhile by transactions not yet committed stay for the next time. Called by the service every
                -- Stats:RollupCompactInterval and before each stats read.
                CREATE FUNCTION call_stats_compact() RETURNS void LANGUAGE plpgsql AS $fn$
                BEGIN
                    IF NOT pg_try_advisory_xact_lock(hashtext('call_stats_compact')) THEN
                        RETURN;
                    END IF;
                    WITH moved AS (DELETE FROM call_stats_daily_pending RETURNING *)
                    INSERT INTO call_stats_daily AS s (day, status, language, channel, identity, runtime, model, calls, answered,
                        fallbacks, timed, timed_seconds, voice_seconds, up_to_30, up_to_60, up_to_120, up_to_300, up_to_600, longer)
                    SELECT day, status, language, channel, identity, runtime, model, sum(calls), sum(answered), sum(fallbacks),
                           sum(timed), sum(timed_seconds), sum(voice_seconds), sum(up_to_30), sum(up_to_60), sum(up_to_120),
                           sum(up_to_300), sum(up_to_600), sum(longer)
                    FROM moved GROUP BY day, status, language, channel, identity, runtime, model
                    ORDER BY day, status, language, channel, identity, runtime, model
                    ON CONFLICT (day, status, language, channel, identity, runtime, model) DO UPDATE SET
                        calls = s.calls + excluded.calls, answered = s.answered + excluded.answered,
                        fallbacks = s.fallbacks + excluded.fallbacks, timed = s.timed + excluded.timed,
                        timed_seconds = s.timed_seconds + excluded.timed_seconds, voice_seconds = s.voice_seconds + excluded.voice_seconds,
                        up_to_30 = s.up_to_30 + excluded.up_to_30, up_to_60 = s.up_to_60 + excluded.up_to_60,
                        up_to_120 = s.up_to_120 + excluded.up_to_120, up_to_300 = s.up_to_300 + excluded.up_to_300,
                        up_to_600 = s.up_to_600 + excluded.up_to_600, longer = s.longer + excluded.longer;
                    WITH moved AS (DELETE FROM call_stats_durations_pending RETURNING *),
                    g AS MATERIALIZED (SELECT seconds, day, sum(calls) AS calls FROM moved GROUP BY seconds, day),
                    minutes AS (
                        INSERT INTO call_stats_duration_minutes AS s (day, minute, calls)
                        SELECT day, seconds / 60, sum(calls) FROM g GROUP BY 1, 2 ORDER BY 1, 2
                        ON CONFLICT (day, minute) DO UPDATE SET calls = s.calls + excluded.calls
                    )
                    INSERT INTO call_stats_durations AS s (seconds, day, calls)
                    SELECT seconds, day, calls FROM g ORDER BY seconds, day
                    ON CONFLICT (seconds, day) DO UPDATE SET calls = s.calls + excluded.calls;
                    WITH moved AS (DELETE FROM call_stats_waits_pending RETURNING *)
                    INSERT INTO call_stats_waits AS s (day, calls, turns, version)
                    SELECT day, sum(calls), sum(turns), 1 FROM moved GROUP BY day ORDER BY day
                    ON CONFLICT (day) DO UPDATE SET calls = s.calls + excluded.calls, turns = s.turns + excluded.turns, version = s.version + 1;
                END $fn$;

                -- The roll-up from scratch, under a lock that holds writers of calls and outbox_messages back meanwhile
                -- (readers go on): docs/operations.md, "The stats roll-up".
                CREATE FUNCTION call_stats_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
                BEGIN
                    LOCK TABLE calls, outbox_messages IN SHARE ROW EXCLUSIVE MODE;
                    PERFORM pg_advisory_xact_lock(hashtext('call_stats_compact'));
                    DELETE FROM call_stats_daily;
                    DELETE FROM call_stats_durations;
                    DELETE FROM call_stats_duration_minutes;
                    DELETE FROM call_stats_waits;
                    DELETE FROM call_stats_daily_pending;
                    DELETE FROM call_stats_durations_pending;
                    DELETE FROM call_stats_waits_pending;
                    {{Apply($"SELECT 1 AS sign, {Prefixed("c")} FROM calls c")}};
                    PERFORM call_stats_compact();
                    {{WaitsPercentiles}};
                END $fn$;

                CREATE TRIGGER tr_calls_stats_insert AFTER INSERT ON calls REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION call_stats_calls_inserted();
                CREATE TRIGGER tr_calls_stats_update AFTER UPDATE ON calls REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION call_stats_calls_updated();
                CREATE TRIGGER tr_calls_stats_delete AFTER DELETE ON calls REFERENCING OLD TABLE AS old_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION call_stats_calls_deleted();
                CREATE TRIGGER tr_calls_stats_truncate AFTER TRUNCATE ON calls
                    FOR EACH STATEMENT EXECUTE FUNCTION call_stats_calls_truncated();
                CREATE TRIGGER tr_outbox_messages_stats_insert AFTER INSERT ON outbox_messages REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION call_stats_fallbacks_inserted();
                CREATE TRIGGER tr_outbox_messages_stats_update AFTER UPDATE ON outbox_messages REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION call_stats_fallbacks_updated();
                CREATE TRIGGER tr_outbox_messages_stats_delete AFTER DELETE ON outbox_messages REFERENCING OLD TABLE AS old_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION call_stats_fallbacks_deleted();
                CREATE TRIGGER tr_outbox_messages_stats_truncate AFTER TRUNCATE ON outbox_messages
                    FOR EACH STATEMENT EXECUTE FUNCTION call_stats_fallbacks_truncated();

                -- The backfill, in the migration's transaction: the lock holds the service's writes back until it commits.
                SELECT call_stats_rebuild();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER tr_outbox_messages_stats_truncate ON outbox_messages;
                DROP TRIGGER tr_outbox_messages_stats_delete ON outbox_messages;
                DROP TRIGGER tr_outbox_messages_stats_update ON outbox_messages;
                DROP TRIGGER tr_outbox_messages_stats_insert ON outbox_messages;
                DROP TRIGGER tr_calls_stats_truncate ON calls;
                DROP TRIGGER tr_calls_stats_delete ON calls;
                DROP TRIGGER tr_calls_stats_update ON calls;
                DROP TRIGGER tr_calls_stats_insert ON calls;
                DROP FUNCTION call_stats_rebuild();
                DROP FUNCTION call_stats_compact();
                DROP FUNCTION call_stats_fallbacks_truncated();
                DROP FUNCTION call_stats_fallbacks_updated();
                DROP FUNCTION call_stats_fallbacks_deleted();
                DROP FUNCTION call_stats_fallbacks_inserted();
                DROP FUNCTION call_stats_calls_truncated();
                DROP FUNCTION call_stats_calls_deleted();
                DROP FUNCTION call_stats_calls_updated();
                DROP FUNCTION call_stats_calls_inserted();
                DROP TABLE call_stats_waits_pending;
                DROP TABLE call_stats_durations_pending;
                DROP TABLE call_stats_daily_pending;
                DROP TABLE call_stats_waits;
                DROP TABLE call_stats_duration_minutes;
                DROP TABLE call_stats_durations;
                DROP TABLE call_stats_daily;
                """);
        }
    }
}
