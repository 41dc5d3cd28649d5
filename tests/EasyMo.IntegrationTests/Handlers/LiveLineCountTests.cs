using EasyMo.Application.Features.Calls.AcceptIncomingCall;
using EasyMo.Domain.Calls;
using Npgsql;
using static EasyMo.IntegrationTests.Handlers.HandlerScenario;

namespace EasyMo.IntegrationTests.Handlers;

/// <summary>
/// Issue 17: the live-call ceiling's count in O(1). <c>live_lines</c> (migration <c>LiveLineCount</c>) is kept by
/// triggers so that its sum is, at every moment, the number of calls ringing or accepted and calls back being dialed,
/// whatever writes them and from whichever connection; the claim reads the sum and counts one by one only past the
/// ceiling, so a call that outlived its windows without ending still takes no line.
/// </summary>
public sealed class LiveLineCountTests
{
    [Fact]
    public async Task The_sum_of_live_lines_is_the_number_of_lines_taken_after_every_kind_of_write_from_any_connection()
    {
        await using var app = await EasyMoApp.StartAsync();
        await ShouldCountAsync(app, "a new database");

        // The service's own writes: a call claimed, then accepted.
        await AcceptAsync(app);
        await ShouldCountAsync(app, "a call accepted by the service");

        // Writes from several connections (each a backend with its own stripe), in every direction a status can move.
        string[] statuses = ["ringing", "accepted", "ended", "rejected", "missed", "failed"];
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 12; i++)
        {
            await app.SqlAsync($"""
                INSERT INTO calls (id, call_id, status, channel, language, caller, callee, received_at, summary_status, summary_attempts)
                VALUES (gen_random_uuid(), 'rtc_lines_{i}', '{statuses[i % statuses.Length]}', 'phone', 'en', '+250788000{i:D3}',
                        '+250788300300', now(), 'none', 0)
                """);
        }

        await ShouldCountAsync(app, "calls inserted in every status");
        await app.SqlAsync("UPDATE calls SET status = 'accepted', accepted_at = now() WHERE call_id IN ('rtc_lines_0', 'rtc_lines_3')");
        await ShouldCountAsync(app, "a ringing call accepted, a rejected one made live again");
        await app.SqlAsync("UPDATE calls SET status = 'ended', ended_at = now() WHERE call_id IN ('rtc_lines_0', 'rtc_lines_1')");
        await app.SqlAsync("UPDATE calls SET status = 'failed' WHERE call_id = 'rtc_lines_6'");
        await app.SqlAsync("UPDATE calls SET status = 'missed' WHERE call_id = 'rtc_lines_2'");
        await ShouldCountAsync(app, "calls ended, failed, missed");
        await app.SqlAsync("UPDATE calls SET summary_attempts = 1 WHERE call_id LIKE 'rtc_lines_%'");
        await ShouldCountAsync(app, "an update that leaves the status alone");
        await app.SqlAsync("DELETE FROM calls WHERE call_id IN ('rtc_lines_3', 'rtc_lines_4', 'rtc_lines_7')");
        await ShouldCountAsync(app, "live and settled calls deleted");

        // A transaction that takes lines and rolls back leaves the count as it was.
        await using (var connection = new NpgsqlConnection(app.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var transaction = await connection.BeginTransactionAsync(Ct);
            await using var command = new NpgsqlCommand("UPDATE calls SET status = 'ringing' WHERE call_id LIKE 'rtc_lines_%'", connection, transaction);
            await command.ExecuteNonQueryAsync(Ct);
            await transaction.RollbackAsync(Ct);
        }

        await ShouldCountAsync(app, "a rolled-back transaction");

        // Calls back: queued (no line), dialing (a line), settled, deleted.
        for (var i = 0; i < 3; i++)
        {
            await app.SqlAsync($"""
                INSERT INTO callbacks (id, phone, language, time_zone, reason, requested_at, local_day, status, due_at, expires_at, requested_by)
                VALUES (gen_random_uuid(), '+25078810000{i}', 'en', 'Africa/Kigali', 'busy', now(), current_date,
                        '{(i == 0 ? "dialing" : "queued")}', now(), now() + interval '1 day', NULL)
                """);
        }

        await ShouldCountAsync(app, "calls back queued and dialing");
        await app.SqlAsync("UPDATE callbacks SET status = 'dialing', dialed_at = now() WHERE phone = '+250788100001'");
        await app.SqlAsync("UPDATE callbacks SET status = 'placed' WHERE phone = '+250788100000'");
        await ShouldCountAsync(app, "a call back dialed, another placed");
        await app.SqlAsync("DELETE FROM callbacks");
        await ShouldCountAsync(app, "calls back deleted");

        await app.SqlAsync("TRUNCATE calls CASCADE");
        await ShouldCountAsync(app, "calls truncated");
        (await LinesAsync(app)).ShouldBe(0);
    }

    [Fact]
    public async Task Concurrent_claims_and_ends_on_many_connections_leave_the_sum_exact()
    {
        await using var app = await EasyMoApp.StartAsync();
        var callIds = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => AcceptAsync(app)));
        await ShouldCountAsync(app, "24 calls accepted at once");

        await Task.WhenAll(callIds.Select(callId => app.SqlAsync($"UPDATE calls SET status = 'ended', ended_at = now() WHERE call_id = '{callId}'")));
        await ShouldCountAsync(app, "24 calls ended at once");
        (await LinesAsync(app)).ShouldBe(0);
    }

    [Fact]
    public async Task A_call_that_outlived_its_window_without_ending_takes_no_line()
    {
        // The sum counts a call accepted two hours ago that never ended (its end was lost), so the sum alone would say the
        // ceiling of one is taken; past the ceiling the claim counts one by one, where that call is outside its window.
        await using var app = await EasyMoApp.StartAsync(WithLiveCallCeiling(1));
        var stale = await AcceptAsync(app);
        await app.SqlAsync($"UPDATE calls SET accepted_at = now() - interval '2 hours' WHERE call_id = '{stale}'");
        (await LinesAsync(app)).ShouldBe(1, "the sum has no time window");

        var callId = Events.NewCallId();
        var decision = await app.SendAsync(Incoming(callId, Events.NewRwandanNumber()));

        decision.ShouldBe(new CallDecision(callId.AsCallId(), CallDecisionOutcome.Accepted));

        var third = Events.NewCallId();
        (await app.SendAsync(Incoming(third, Events.NewRwandanNumber())))
            .ShouldBe(new CallDecision(third.AsCallId(), CallDecisionOutcome.Rejected, 486), "the fresh call holds the one line");
        (await CallAsync(app, third)).EndReason.ShouldBe(CallEndReason.Busy);
    }

    private static async Task ShouldCountAsync(EasyMoApp app, string after)
    {
        var taken = (long)(await app.SqlAsync(
            """
            SELECT (SELECT count(*) FROM calls WHERE status IN ('ringing', 'accepted'))
                 + (SELECT count(*) FROM callbacks WHERE status = 'dialing')
            """))!;
        (await LinesAsync(app)).ShouldBe(taken, $"the sum of live_lines after {after}");
    }

    private static async Task<long> LinesAsync(EasyMoApp app) => (long)(await app.SqlAsync("SELECT sum(lines)::bigint FROM live_lines"))!;
}
