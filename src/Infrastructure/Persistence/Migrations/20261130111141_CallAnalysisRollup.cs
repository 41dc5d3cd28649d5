using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasyMo.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The calls' analyses in the daily roll-up (issue 18, parts 2 and 5): <c>call_stats_analysis</c> counts each closed
    /// day's analysed calls by service, sentiment and outcome, so that a year of <c>GET /api/stats/calls</c> reads no
    /// analysed call one by one. An analysis is written after its call has ended, and may be retried for a while: a
    /// closed day that still holds a pending analysis is recorded (<c>call_stats_state.analysis_open_days</c>) and computed
    /// again at each compaction until its analyses have settled, and once more after. The functions of
    /// <c>CallStatsRollup</c> are kept under new names (<c>…_calls</c>) and wrapped, not rewritten, so that this migration
    /// and its <c>Down</c> do not repeat them. Still no trigger: the service's writes cost what they did.
    /// </summary>
    public partial class CallAnalysisRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE call_stats_analysis (
                    day date NOT NULL,
                    service varchar(64),
                    sentiment varchar(16),
                    outcome varchar(16) NOT NULL,
                    calls bigint NOT NULL
                );
                CREATE UNIQUE INDEX ux_call_stats_analysis ON call_stats_analysis (day, service, sentiment, outcome) NULLS NOT DISTINCT;
                ALTER TABLE call_stats_state ADD COLUMN analysis_open_days date[] NOT NULL DEFAULT '{}';

                ALTER FUNCTION call_stats_fill(date, date) RENAME TO call_stats_fill_calls;
                ALTER FUNCTION call_stats_compact(date) RENAME TO call_stats_compact_calls;
                ALTER FUNCTION call_stats_rebuild() RENAME TO call_stats_rebuild_calls;

                -- The days lo <= day < hi computed again: the calls' figures, then their analyses.
                CREATE FUNCTION call_stats_fill(lo date, hi date) RETURNS void LANGUAGE plpgsql AS $fn$
                BEGIN
                    PERFORM call_stats_fill_calls(lo, hi);
                    DELETE FROM call_stats_analysis WHERE day >= lo AND day < hi;
                    INSERT INTO call_stats_analysis (day, service, sentiment, outcome, calls)
                    SELECT (received_at AT TIME ZONE 'UTC')::date, analysis_service, analysis_sentiment, analysis_outcome, count(*)
                    FROM calls
                    WHERE received_at >= lo::timestamp AT TIME ZONE 'UTC' AND received_at < hi::timestamp AT TIME ZONE 'UTC'
                      AND analysis_status = 'done' AND analysis_outcome IS NOT NULL
                    GROUP BY 1, 2, 3, 4;
                END $fn$;

                -- The closed days (before the watermark closed_before will leave) that hold an analysis still to be made.
                CREATE FUNCTION call_stats_analysis_open(upto date) RETURNS date[] LANGUAGE sql STABLE AS $fn$
                    SELECT COALESCE(array_agg(DISTINCT (received_at AT TIME ZONE 'UTC')::date), '{}')
                    FROM calls WHERE analysis_status = 'pending' AND upto IS NOT NULL AND received_at < upto::timestamp AT TIME ZONE 'UTC'
                $fn$;

                -- The compaction of CallStatsRollup, with the days whose analyses were pending at the last run computed again
                -- (they may have settled since). The pending days are found before the days are computed, so an analysis that
                -- settles meanwhile is taken in by this run or by the next.
                CREATE FUNCTION call_stats_compact(closed_before date) RETURNS boolean LANGUAGE plpgsql AS $fn$
                DECLARE
                    s call_stats_state;
                    pending date[];
                BEGIN
                    IF NOT pg_try_advisory_xact_lock(hashtext('call_stats_compact')) THEN
                        RETURN false;
                    END IF;
                    SELECT * INTO s FROM call_stats_state FOR UPDATE;
                    pending := call_stats_analysis_open(GREATEST(s.rolled_up_before, closed_before));
                    INSERT INTO call_stats_dirty (day) SELECT unnest(s.analysis_open_days);
                    PERFORM call_stats_compact_calls(closed_before);
                    UPDATE call_stats_state SET analysis_open_days = pending;
                    RETURN true;
                END $fn$;

                CREATE FUNCTION call_stats_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
                BEGIN
                    PERFORM pg_advisory_xact_lock(hashtext('call_stats_compact'));
                    DELETE FROM call_stats_analysis;
                    UPDATE call_stats_state SET analysis_open_days = call_stats_analysis_open(rolled_up_before);
                    PERFORM call_stats_rebuild_calls();
                END $fn$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION call_stats_rebuild();
                DROP FUNCTION call_stats_compact(date);
                DROP FUNCTION call_stats_analysis_open(date);
                DROP FUNCTION call_stats_fill(date, date);
                ALTER FUNCTION call_stats_rebuild_calls() RENAME TO call_stats_rebuild;
                ALTER FUNCTION call_stats_compact_calls(date) RENAME TO call_stats_compact;
                ALTER FUNCTION call_stats_fill_calls(date, date) RENAME TO call_stats_fill;
                ALTER TABLE call_stats_state DROP COLUMN analysis_open_days;
                DROP TABLE call_stats_analysis;
                """);
        }
    }
}
