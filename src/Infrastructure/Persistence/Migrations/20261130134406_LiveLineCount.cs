using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasyMo.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The live-call ceiling's count in O(1) (issue 17): <c>live_lines</c> holds, in 64 stripes whose sum is the number,
    /// how many lines are taken, as the ceiling's count defines them but without its time windows: calls ringing or
    /// accepted, calls back being dialed. Row triggers on <c>calls</c> and <c>callbacks</c> keep it, in the transaction
    /// that changes the row, for every write the service or an operator makes (insert, status change, delete; a
    /// <c>TRUNCATE</c> counts again), so at any snapshot the sum equals the rows it counts, and is never below the
    /// ceiling's exact count (whose windows only leave rows out). The claim reads the sum under the ceiling's lock and
    /// counts the live calls one by one only when the sum passes the ceiling (<c>CallStore.CountLines</c>).
    /// <para>
    /// 64 stripes: a line taken is added to stripe <c>backend % 32</c>, a line let go to <c>32 + backend % 32</c>. A claim
    /// holds its stripe's row from its call's <c>INSERT</c> to its commit, across its wait for the ceiling's lock; the
    /// ends, which let lines go, never wait behind it, and transactions of other backends seldom meet on a row.
    /// </para>
    /// </summary>
    public partial class LiveLineCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE live_lines (stripe int PRIMARY KEY, lines bigint NOT NULL) WITH (fillfactor = 20);
                INSERT INTO live_lines (stripe, lines) SELECT s, 0 FROM generate_series(0, 63) AS s;

                -- The lines as the triggers count them, all put in stripe 0 (after a TRUNCATE, and once here).
                CREATE FUNCTION live_lines_recount() RETURNS void LANGUAGE sql AS $fn$
                    UPDATE live_lines SET lines = CASE stripe WHEN 0 THEN
                        (SELECT count(*) FROM calls WHERE status IN ('ringing', 'accepted'))
                        + (SELECT count(*) FROM callbacks WHERE status = 'dialing')
                        ELSE 0 END
                $fn$;

                -- A row took a line (its new status is one of the trigger's arguments), let one go (its old one was), or both.
                CREATE FUNCTION live_lines_track() RETURNS trigger LANGUAGE plpgsql AS $fn$
                DECLARE
                    delta int := 0;
                BEGIN
                    IF TG_OP <> 'INSERT' AND OLD.status = ANY (TG_ARGV) THEN delta := delta - 1; END IF;
                    IF TG_OP <> 'DELETE' AND NEW.status = ANY (TG_ARGV) THEN delta := delta + 1; END IF;
                    IF delta <> 0 THEN
                        UPDATE live_lines SET lines = lines + delta WHERE stripe = pg_backend_pid() % 32 + CASE WHEN delta > 0 THEN 0 ELSE 32 END;
                    END IF;
                    RETURN NULL;
                END $fn$;

                CREATE FUNCTION live_lines_truncated() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    PERFORM live_lines_recount();
                    RETURN NULL;
                END $fn$;

                CREATE TRIGGER live_lines_insert AFTER INSERT ON calls FOR EACH ROW
                    WHEN (NEW.status IN ('ringing', 'accepted')) EXECUTE FUNCTION live_lines_track('ringing', 'accepted');
                CREATE TRIGGER live_lines_update AFTER UPDATE OF status ON calls FOR EACH ROW
                    WHEN ((OLD.status IN ('ringing', 'accepted')) IS DISTINCT FROM (NEW.status IN ('ringing', 'accepted')))
                    EXECUTE FUNCTION live_lines_track('ringing', 'accepted');
                CREATE TRIGGER live_lines_delete AFTER DELETE ON calls FOR EACH ROW
                    WHEN (OLD.status IN ('ringing', 'accepted')) EXECUTE FUNCTION live_lines_track('ringing', 'accepted');
                CREATE TRIGGER live_lines_truncate AFTER TRUNCATE ON calls FOR EACH STATEMENT EXECUTE FUNCTION live_lines_truncated();

                CREATE TRIGGER live_lines_insert AFTER INSERT ON callbacks FOR EACH ROW
                    WHEN (NEW.status = 'dialing') EXECUTE FUNCTION live_lines_track('dialing');
                CREATE TRIGGER live_lines_update AFTER UPDATE OF status ON callbacks FOR EACH ROW
                    WHEN ((OLD.status = 'dialing') IS DISTINCT FROM (NEW.status = 'dialing'))
                    EXECUTE FUNCTION live_lines_track('dialing');
                CREATE TRIGGER live_lines_delete AFTER DELETE ON callbacks FOR EACH ROW
                    WHEN (OLD.status = 'dialing') EXECUTE FUNCTION live_lines_track('dialing');
                CREATE TRIGGER live_lines_truncate AFTER TRUNCATE ON callbacks FOR EACH STATEMENT EXECUTE FUNCTION live_lines_truncated();

                -- Counted under the ceiling's lock, so that no claim commits between the count and the triggers.
                SELECT pg_advisory_xact_lock(4999404026185318401);
                SELECT live_lines_recount();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER live_lines_insert ON calls;
                DROP TRIGGER live_lines_update ON calls;
                DROP TRIGGER live_lines_delete ON calls;
                DROP TRIGGER live_lines_truncate ON calls;
                DROP TRIGGER live_lines_insert ON callbacks;
                DROP TRIGGER live_lines_update ON callbacks;
                DROP TRIGGER live_lines_delete ON callbacks;
                DROP TRIGGER live_lines_truncate ON callbacks;
                DROP FUNCTION live_lines_truncated();
                DROP FUNCTION live_lines_track();
                DROP FUNCTION live_lines_recount();
                DROP TABLE live_lines;
                """);
        }
    }
}
