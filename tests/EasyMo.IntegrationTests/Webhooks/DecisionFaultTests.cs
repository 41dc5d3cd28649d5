using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EasyMo.IntegrationTests.Webhooks;

/// <summary>
/// Decisions that stay right under faults (issue 12; security review M1, M2): no transaction held across OpenAI's round
/// trips, the live-call ceiling under a burst, an accept in doubt reconciled rather than guessed, and a claim left by a
/// process that died taken over by OpenAI's redelivery. OpenAI is assumed to answer a second decision on a call with 409
/// <c>decision_already_made</c> (docs/adr/0004), which the fake does.
/// </summary>
public sealed class DecisionFaultTests
{
    [Fact]
    public async Task A_slow_accept_that_OpenAI_took_is_neither_sent_twice_nor_answered_with_480_and_a_fallback()
    {
        // The review's M2: the accept takes 2.5 s (past the attempt timeout: 2 s in production, 500 ms in these tests) and
        // succeeds at OpenAI.
        await using var app = await EasyMoApp.StartAsync();
        app.OpenAi.FirstDecisionWins(async (operation, _) =>
        {
            await Task.Delay(operation == "accept" ? 2_500 : 0);
            return 200;
        });
        var callId = Events.NewCallId();

        using var response = await app.PostWebhookAsync(Events.CarrierCall(callId, Events.NewRwandanNumber()));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString().ShouldBe("accepted");
        app.OpenAi.For("accept", callId).ShouldHaveSingleItem();
        app.OpenAi.For("reject", callId).ShouldHaveSingleItem("one reject asked OpenAI whether the accept was taken; it answered 409");
        await using var db = app.Db();
        (await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == callId.AsCallId(), Ct)).Status.ShouldBe(CallStatus.Accepted);
        (await db.OutboxMessages.AnyAsync(m => m.DeduplicationKey == $"call-fallback:{callId}", Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task An_accept_in_doubt_that_OpenAI_did_not_take_fails_the_call_with_480_and_a_fallback()
    {
        await using var app = await EasyMoApp.StartAsync();
        // The accept timed out before OpenAI took it: OpenAI's first decision is the reject.
        app.OpenAi.Responder = async (operation, _, _) =>
        {
            if (operation == "accept")
            {
                await Task.Delay(2_500);
                return 504;
            }

            return 200;
        };
        var callId = Events.NewCallId();
        var caller = Events.NewRwandanNumber();

        using var response = await app.PostWebhookAsync(Events.CarrierCall(callId, caller));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        app.OpenAi.For("accept", callId).ShouldHaveSingleItem();
        app.OpenAi.RejectStatus(callId).ShouldBe(480);
        await using var db = app.Db();
        (await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == callId.AsCallId(), Ct)).Status.ShouldBe(CallStatus.Failed);
        (await db.OutboxMessages.AnyAsync(m => m.DeduplicationKey == $"call-fallback:{callId}", Ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task An_accept_in_doubt_whose_reconciling_reject_is_lost_too_is_followed_to_find_out_and_no_fallback_is_sent()
    {
        // Both answers lost (connections reset): the call may be live, so it is neither failed nor texted; the monitor
        // follows it, and a call that is not live ends when its socket cannot be had.
        await using var app = await EasyMoApp.StartAsync(WithMonitor());
        app.OpenAi.Responder = (operation, _, _) => Task.FromResult(operation is "accept" or "reject" ? FakeOpenAi.Reset : 200);
        var callId = Events.NewCallId();

        using var response = await app.PostWebhookAsync(Events.CarrierCall(callId, Events.NewRwandanNumber()));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        app.OpenAi.For("accept", callId).ShouldHaveSingleItem();
        app.OpenAi.For("reject", callId).ShouldHaveSingleItem();
        app.Logs.Text.ShouldContain("followed to find out");
        await using var db = app.Db();
        (await db.OutboxMessages.AnyAsync(m => m.DeduplicationKey == $"call-fallback:{callId}", Ct)).ShouldBeFalse();
        (await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == callId.AsCallId(), Ct)).Status.ShouldBe(CallStatus.Accepted);
        await app.OpenAi.WaitForSessionAsync(callId); // followed: the sideband tells whether the call is live
    }

    [Theory]
    [InlineData(0)] // no ceiling
    [InlineData(50)] // a ceiling: the count joins the claim's transaction
    public async Task A_claim_that_fails_half_way_stores_nothing_of_it(int maxLiveCalls)
    {
        // A webhook id reused for another call: the call's INSERT goes through, the delivery's fails on its key. The
        // claim must leave neither row: a ringing call nobody decides would count against the ceiling and never end.
        await using var app = await EasyMoApp.StartAsync(WithLiveCallCeiling(maxLiveCalls));
        var webhookId = "wh_" + Guid.NewGuid().ToString("N");
        var first = Events.NewCallId();
        var second = Events.NewCallId();

        using (var response = await app.PostWebhookAsync(Events.CarrierCall(first, Events.NewRwandanNumber()), webhookId))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var response = await app.PostWebhookAsync(Events.CarrierCall(second, Events.NewRwandanNumber()), webhookId))
        {
            ((int)response.StatusCode).ShouldBeLessThan(500);
        }

        await using var db = app.Db();
        (await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == first.AsCallId(), Ct)).Status.ShouldBe(CallStatus.Accepted);
        (await db.Calls.AsNoTracking().AnyAsync(c => c.CallId == second.AsCallId(), Ct)).ShouldBeFalse("half a claim was stored");
        app.OpenAi.For("accept", second).ShouldBeEmpty();
    }

    [Fact]
    public async Task Forty_calls_at_once_with_a_ceiling_of_five_accept_five_and_create_nothing_for_the_rest()
    {
        // The review's M1: before, every decision counted only committed calls, and all forty were accepted.
        await using var app = await EasyMoApp.StartAsync(WithLiveCallCeiling(5));
        app.OpenAi.Responder = async (operation, _, _) =>
        {
            await Task.Delay(operation == "accept" ? 300 : 0); // decisions overlap (the tests' attempt timeout is 500 ms)
            return 200;
        };
        var callers = Enumerable.Range(0, 40).Select(i => "+25078" + (8_100_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();

        var responses = await Task.WhenAll(callers.Select(caller => app.PostWebhookAsync(Events.CarrierCall(Events.NewCallId(), caller))));

        responses.ShouldAllBe(response => response.StatusCode == HttpStatusCode.OK);
        await using var db = app.Db();
        var calls = await db.Calls.AsNoTracking().ToListAsync(Ct);
        calls.Count.ShouldBe(40);
        calls.Count(c => c.Status == CallStatus.Accepted).ShouldBe(5);
        calls.Where(c => c.Status != CallStatus.Accepted).ShouldAllBe(c => c.Status == CallStatus.Rejected && c.SipStatusCode == 486);
        app.OpenAi.For("accept").Count.ShouldBe(5);
        var profiles = await db.Profiles.AsNoTracking().Select(p => p.Phone).ToListAsync(Ct);
        profiles.Count.ShouldBe(5, "no profile is made for a caller the ceiling refused");
        profiles.ShouldAllBe(phone => calls.Any(c => c.Status == CallStatus.Accepted && c.Caller == phone));
    }

    [Fact]
    public async Task No_transaction_stays_open_while_OpenAI_decides()
    {
        // The accept is held as long as the test looks: no attempt timeout may cut it short on a busy machine.
        await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?>
        {
            ["OpenAI:AttemptTimeout"] = "00:00:20",
            ["OpenAI:TotalTimeout"] = "00:00:30",
        });
        var deciding = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        app.OpenAi.Responder = async (operation, _, _) =>
        {
            if (operation == "accept")
            {
                deciding.TrySetResult();
                await release.Task;
            }

            return 200;
        };
        var callId = Events.NewCallId();

        var pending = app.PostWebhookAsync(Events.CarrierCall(callId, Events.NewRwandanNumber()));
        await deciding.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await Task.Delay(400, Ct); // the accept has been at OpenAI a while
        await using (var connection = new NpgsqlConnection(app.ConnectionString))
        {
            await connection.OpenAsync(Ct);

            // Open for 300 ms or more: a background batch's transaction (retention, say) lasts milliseconds.
            await using var command = new NpgsqlCommand(
                "SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%' AND xact_start < now() - interval '300 milliseconds'",
                connection);
            ((int)(await command.ExecuteScalarAsync(Ct))!).ShouldBe(0, "a transaction is held while the accept is at OpenAI");
        }

        await using (var db = app.Db())
        {
            (await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == callId.AsCallId(), Ct)).Status.ShouldBe(CallStatus.Ringing, "the claim is committed before OpenAI is called");
        }

        release.SetResult();
        using var response = await pending;
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(false)] // the process died before its accept reached OpenAI
    [InlineData(true)] // it died after OpenAI took the accept, before the decision was recorded
    public async Task A_claim_left_by_a_process_that_died_is_taken_over_by_the_redelivery(bool acceptReachedOpenAi)
    {
        await using var app = await EasyMoApp.StartAsync();
        app.OpenAi.FirstDecisionWins();
        var callId = Events.NewCallId();
        var caller = Events.NewRwandanNumber();
        await LeaveClaimAsync(app, callId, caller, TimeSpan.FromMinutes(1));
        if (acceptReachedOpenAi)
        {
            await app.OpenAi.Responder("accept", callId, 1); // OpenAI saw the dead process's accept: the first decision
        }

        using var response = await app.PostWebhookAsync(Events.CarrierCall(callId, caller));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString().ShouldBe("accepted");
        app.OpenAi.For("accept", callId).ShouldHaveSingleItem();
        app.OpenAi.For("reject", callId).ShouldBeEmpty("409 on the accept says the accept was taken: nothing to reject");
        await using var db = app.Db();
        (await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == callId.AsCallId(), Ct)).Status.ShouldBe(CallStatus.Accepted);
        (await db.OutboxMessages.AnyAsync(m => m.DeduplicationKey == $"call-fallback:{callId}", Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_fresh_claim_is_waited_for_not_taken_over()
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = Events.NewCallId();
        var caller = Events.NewRwandanNumber();
        await LeaveClaimAsync(app, callId, caller, TimeSpan.Zero);

        var pending = app.PostWebhookAsync(Events.CarrierCall(callId, caller));
        await Task.Delay(500, Ct);
        await using (var db = app.Db())
        {
            // The holder records its decision: the waiting delivery then has nothing to do.
            await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE calls SET status = 'rejected', decided_at = now(), end_reason = 'busy', sip_status_code = 486 WHERE call_id = {callId}", Ct);
        }

        using var response = await pending;
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString().ShouldBe("already_decided");
        app.OpenAi.Requests.ShouldBeEmpty();
    }

    /// <summary>What a process that died after claiming leaves: a ringing call, claimed <paramref name="age"/> ago by the database's clock.</summary>
    private static async Task LeaveClaimAsync(EasyMoApp app, string callId, string caller, TimeSpan age)
    {
        await using var db = app.Db();
        db.Calls.Add(Call.Receive(callId.AsCallId(), CallChannel.Phone, PhoneNumber.Parse(caller), null, PhoneNumber.Parse("+250788000111"),
            DateTimeOffset.UtcNow - age, identity: CallerIdentity.Verified));
        await db.SaveChangesAsync(Ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE calls SET claimed_at = now() - {age} WHERE call_id = {callId}", Ct);
    }
}
