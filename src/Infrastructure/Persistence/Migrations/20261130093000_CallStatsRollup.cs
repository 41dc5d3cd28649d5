using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasyMo.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The daily roll-up of <c>calls</c> that <c>GET /api/stats/calls</c> reads for closed days (issue 18, part 5). No
    /// trigger: the service's writes of <c>calls</c> and <c>outbox_messages</c> cost exactly what they cost without it.
    /// A day is closed once every call received on it has ended and had its waits written (the service passes
    /// <c>closed_before</c>: the UTC day of now − <c>Calls:MaxCallDuration</c> − <c>Stats:RollupMargin</c>);
    /// <c>call_stats_compact(closed_before)</c> computes the newly closed days from <c>calls</c> (a whole day at a time:
    /// delete its rows, insert them again, so it is idempotent) and advances the watermark
    /// <c>call_stats_state.rolled_up_before</c> in the same transaction; the read takes the days before the watermark
    /// from here and the days from it on from <c>calls</c>. Days behind the watermark that still hold a ringing or
    /// accepted call (the service was down) and days listed in <c>call_stats_dirty</c> (an operator's change of old
    /// calls) are computed again by each compaction. Not in the EF model: read and written in SQL only
    /// (AdminQueries, CallStatsCompactor). <c>call_stats_rebuild()</c> recomputes every closed day
    /// (docs/operations.md, "The stats roll-up").
    /// </summary>
    public partial class CallStatsRollup : Migration
    {
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
                CREATE TABLE call_stats_waits (
                    day date NOT NULL,
                    calls bigint NOT NULL,
                    turns bigint NOT NULL,
                    p95 integer,
                    CONSTRAINT pk_call_stats_waits PRIMARY KEY (day)
                );
                -- One row: the days before rolled_up_before are in the roll-up (NULL: none yet); open_days, the days behind
                -- it that held a call in progress at the last compaction.
                CREATE TABLE call_stats_state (
                    id boolean NOT NULL DEFAULT true CONSTRAINT ck_call_stats_state_one CHECK (id),
                    rolled_up_before date,
                    open_days date[] NOT NULL DEFAULT '{}',
                    CONSTRAINT pk_call_stats_state PRIMARY KEY (id)
                );
                INSERT INTO call_stats_state (id) VALUES (true);
                -- Closed days to compute again (an operator's change of old calls: docs/operations.md).
                CREATE TABLE call_stats_dirty (day date NOT NULL);

                -- The roll-up's rows of the days lo <= day < hi, computed again from calls and outbox_messages.
                CREATE FUNCTION call_stats_fill(lo date, hi date) RETURNS void LANGUAGE plpgsql AS $fn$
                BEGIN
                    DELETE FROM call_stats_daily WHERE day >= lo AND day < hi;
                    DELETE FROM call_stats_durations WHERE day >= lo AND day < hi;
                    DELETE FROM call_stats_duration_minutes WHERE day >= lo AND day < hi;
                    DELETE FROM call_stats_waits WHERE day >= lo AND day < hi;
                    WITH c AS MATERIALIZED (
                        SELECT (c.received_at AT TIME ZONE 'UTC')::date AS day, c.status, c.language, c.channel, c.identity,
                               c.runtime, c.model, c.accepted_at, c.duration_seconds, c.voice_seconds, c.measured_turns,
                               c.turn_wait_p95_ms,
                               (SELECT count(*) FROM outbox_messages o WHERE o.deduplication_key = 'call-fallback:' || c.call_id) AS fallbacks
                        FROM calls c
                        WHERE c.received_at >= lo::timestamp AT TIME ZONE 'UTC' AND c.received_at < hi::timestamp AT TIME ZONE 'UTC'
                    ),
                    daily AS (
                        INSERT INTO call_stats_daily (day, status, language, channel, identity, runtime, model, calls, answered,
                            fallbacks, timed, timed_seconds, voice_seconds, up_to_30, up_to_60, up_to_120, up_to_300, up_to_600, longer)
                        SELECT day, status, language, channel, identity, runtime, model, count(*),
                               count(*) FILTER (WHERE accepted_at IS NOT NULL AND status IN ('accepted', 'ended')),
                               sum(fallbacks),
                               count(duration_seconds) FILTER (WHERE status = 'ended'),
                               COALESCE(sum(duration_seconds) FILTER (WHERE status = 'ended'), 0),
                               COALESCE(sum(COALESCE(voice_seconds, duration_seconds, 0)) FILTER (WHERE status = 'ended'), 0),
                               count(*) FILTER (WHERE status = 'ended' AND duration_seconds <= 30),
                               count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 30 AND duration_seconds <= 60),
                               count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 60 AND duration_seconds <= 120),
                               count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 120 AND duration_seconds <= 300),
                               count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 300 AND duration_seconds <= 600),
                               count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 600)
                        FROM c GROUP BY day, status, language, channel, identity, runtime, model
                    ),
                    durations AS (
                        INSERT INTO call_stats_durations (seconds, day, calls)
                        SELECT duration_seconds, day, count(*) FROM c WHERE status = 'ended' AND duration_seconds IS NOT NULL GROUP BY 1, 2
                    ),
                    minutes AS (
                        INSERT INTO call_stats_duration_minutes (day, minute, calls)
                        SELECT day, duration_seconds / 60, count(*) FROM c WHERE status = 'ended' AND duration_seconds IS NOT NULL GROUP BY 1, 2
                    )
                    INSERT INTO call_stats_waits (day, calls, turns, p95)
                    SELECT day, count(*), sum(measured_turns), round(percentile_cont(0.95) WITHIN GROUP (ORDER BY turn_wait_p95_ms))::int
                    FROM c WHERE status = 'ended' AND measured_turns > 0 GROUP BY day;
                END $fn$;

                -- Rolls up the days before closed_before not rolled up yet, and computes again the closed days that held a
                -- call in progress (now or at the last run) or that an operator marked in call_stats_dirty; one transaction,
                -- one caller at a time (another returns false at once). Idempotent: every day is computed whole.
                CREATE FUNCTION call_stats_compact(closed_before date) RETURNS boolean LANGUAGE plpgsql AS $fn$
                DECLARE
                    s call_stats_state;
                    open date[];
                    dirty date[];
                    d date;
                BEGIN
                    IF NOT pg_try_advisory_xact_lock(hashtext('call_stats_compact')) THEN
                        RETURN false;
                    END IF;
                    SELECT * INTO s FROM call_stats_state FOR UPDATE;
                    IF s.rolled_up_before IS NULL OR s.rolled_up_before < closed_before THEN
                        PERFORM call_stats_fill(COALESCE(s.rolled_up_before, '-infinity'::date), closed_before);
                        s.rolled_up_before := closed_before;
                    END IF;
                    WITH gone AS (DELETE FROM call_stats_dirty RETURNING day) SELECT array_agg(DISTINCT day) INTO dirty FROM gone;
                    SELECT COALESCE(array_agg(DISTINCT (received_at AT TIME ZONE 'UTC')::date), '{}') INTO open
                    FROM calls WHERE status IN ('ringing', 'accepted') AND received_at < s.rolled_up_before::timestamp AT TIME ZONE 'UTC';
                    FOR d IN
                        SELECT DISTINCT x FROM unnest(s.open_days || open || COALESCE(dirty, '{}')) AS t(x)
                        WHERE x < s.rolled_up_before ORDER BY 1
                    LOOP
                        PERFORM call_stats_fill(d, d + 1);
                    END LOOP;
                    UPDATE call_stats_state SET rolled_up_before = s.rolled_up_before, open_days = open;
                    RETURN true;
                END $fn$;

                -- Every closed day computed again from calls (waits for a running compaction): docs/operations.md.
                CREATE FUNCTION call_stats_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
                DECLARE
                    upto date;
                BEGIN
                    PERFORM pg_advisory_xact_lock(hashtext('call_stats_compact'));
                    SELECT rolled_up_before INTO upto FROM call_stats_state FOR UPDATE;
                    DELETE FROM call_stats_daily;
                    DELETE FROM call_stats_durations;
                    DELETE FROM call_stats_duration_minutes;
                    DELETE FROM call_stats_waits;
                    DELETE FROM call_stats_dirty;
                    IF upto IS NOT NULL THEN
                        PERFORM call_stats_fill('-infinity'::date, upto);
                    END IF;
                END $fn$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION call_stats_rebuild();
                DROP FUNCTION call_stats_compact(date);
                DROP FUNCTION call_stats_fill(date, date);
                DROP TABLE call_stats_dirty;
                DROP TABLE call_stats_state;
                DROP TABLE call_stats_waits;
                DROP TABLE call_stats_duration_minutes;
                DROP TABLE call_stats_durations;
                DROP TABLE call_stats_daily;
                """);
        }
    }
}
