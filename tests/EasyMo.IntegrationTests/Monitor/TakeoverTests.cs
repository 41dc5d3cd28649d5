using EasyMo.Domain.Calls;
using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using static EasyMo.IntegrationTests.Monitor.MonitorTestKit;

namespace EasyMo.IntegrationTests.Monitor;

/// <summary>Each live call has one follower; when it stops or dies, another instance reconnects to the same call.</summary>
public sealed class TakeoverTests
{
    [Fact]
    public async Task When_the_following_instance_stops_another_one_takes_the_call_over()
    {
        await using var openAi = await FakeOpenAi.StartAsync(); // outlives both instances
        var first = await EasyMoApp.StartAsync(Settings(), openAi: openAi);
        await using var second = await EasyMoApp.StartAsync(
            Settings(("OpenAI:WebhookSecret", first.WebhookSecret)), first.ConnectionString, first.OpenAi);
        first.OpenAi.RealtimeScript = async session =>
        {
            if (first.OpenAi.SessionsFor(session.CallId).Count == 1)
            {
                await session.ClientClosed; // the first follower, until it goes away
                return;
            }

            await session.SendAsync(new { type = "conversation.item.input_audio_transcription.completed", item_id = "item_after", transcript = "Still there?" });
            await Task.Delay(300);
            await session.CloseAsync();
        };

        var callId = await AcceptCallAsync(first);
        await first.OpenAi.WaitForSessionAsync(callId);
        await first.DisposeAsync(); // the first instance stops

        var call = await WaitForCallAsync(second, callId, c => c.Status == CallStatus.Ended, TimeSpan.FromSeconds(20));

        var sessions = second.OpenAi.SessionsFor(callId);
        sessions.Count.ShouldBe(2);
        sessions[1].Received.ShouldNotContain(e => e.GetProperty("type").GetString() == "response.create"); // no second greeting
        call.EndReason.ShouldBe(CallEndReason.CallerHangup);
        second.Logs.Text.ShouldContain("CALL_MONITOR_TAKEOVER");
    }

    [Fact]
    public async Task A_call_whose_followers_lease_ran_out_is_taken_over()
    {
        // An instance that died: the call names it as its follower, its lease is there, run out, and nobody released it.
        await using var dead = await EasyMoApp.StartAsync(Settings(("Sideband:Enabled", "false")));
        var callId = await AcceptCallAsync(dead);
        await using (var db = dead.Db())
        {
            db.WorkLeases.Add(new WorkLease { Name = "instance:dead-instance", Holder = "dead-instance", LeaseUntil = DateTimeOffset.UtcNow.AddSeconds(-1) });
            await db.SaveChangesAsync(Ct);
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlInterpolatedAsync(db.Database,
                $"UPDATE calls SET monitor_owner = 'dead-instance' WHERE call_id = {callId}", Ct);
        }

        dead.OpenAi.RealtimeScript = async session =>
        {
            await Task.Delay(200);
            session.Abort();
        };
        await using var survivor = await EasyMoApp.StartAsync(
            Settings(("OpenAI:WebhookSecret", dead.WebhookSecret)), dead.ConnectionString, dead.OpenAi);

        var ended = await WaitForCallAsync(survivor, callId, c => c.Status == CallStatus.Ended, TimeSpan.FromSeconds(20));

        ended.EndReason.ShouldBe(CallEndReason.ConnectionLost); // the survivor's socket was dropped without a close frame
        dead.OpenAi.SessionsFor(callId).ShouldHaveSingleItem();
        dead.OpenAi.For("hangup", callId).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task An_instance_holds_all_its_calls_under_one_lease_and_frees_them_when_it_stops()
    {
        // Issue 12/17: one heartbeat for all of an instance's calls, not a lease row per call per beat.
        var app = await EasyMoApp.StartAsync(Settings());
        var stopped = false;
        try
        {
            app.OpenAi.RealtimeScript = session => session.ClientClosed; // every call stays live until its follower lets go
            var callIds = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                callIds.Add(await AcceptCallAsync(app));
            }

            foreach (var callId in callIds)
            {
                await app.OpenAi.WaitForSessionAsync(callId);
            }

            var (owners, leases) = await ReadLeasesAsync(app, callIds);
            owners.Distinct().ShouldHaveSingleItem().ShouldNotBeNull();
            var lease = leases.ShouldHaveSingleItem();
            lease.Name.ShouldBe("instance:" + owners[0]);

            await Task.Delay(600, Ct); // a few heartbeats
            var (_, later) = await ReadLeasesAsync(app, callIds);
            later.ShouldHaveSingleItem().LeaseUntil.ShouldBeGreaterThan(lease.LeaseUntil);

            await app.DisposeAsync();
            stopped = true;
            var (afterwards, gone) = await ReadLeasesAsync(app, callIds);
            afterwards.ShouldAllBe(owner => owner == null); // free at once for another instance
            gone.ShouldBeEmpty();
        }
        finally
        {
            if (!stopped)
            {
                await app.DisposeAsync();
            }
        }
    }

    private static async Task<(List<string?> Owners, List<WorkLease> Leases)> ReadLeasesAsync(EasyMoApp app, List<string> callIds)
    {
        await using var db = app.Db();
        var typed = callIds.Select(TypedIds.AsCallId).ToList();
        var owners = await db.Calls.AsNoTracking().Where(call => typed.Contains(call.CallId))
            .Select(call => Microsoft.EntityFrameworkCore.EF.Property<string?>(call, "MonitorOwner")).ToListAsync(Ct);
        var leases = await db.WorkLeases.AsNoTracking().Where(lease => lease.Name.StartsWith("instance:")).ToListAsync(Ct);
        return (owners, leases);
    }

    [Fact]
    public async Task A_live_call_held_by_a_healthy_instance_is_left_alone()
    {
        await using var holder = await EasyMoApp.StartAsync(Settings(("Sideband:LeaseDuration", "00:00:05")));
        await using var other = await EasyMoApp.StartAsync(
            Settings(("OpenAI:WebhookSecret", holder.WebhookSecret)), holder.ConnectionString, holder.OpenAi);
        var callId = await AcceptCallAsync(holder);
        await holder.OpenAi.WaitForSessionAsync(callId);

        await Task.Delay(1500, Ct); // several sweeps of the other instance

        holder.OpenAi.SessionsFor(callId).ShouldHaveSingleItem();
        other.Logs.Text.ShouldNotContain("CALL_MONITOR_TAKEOVER");
    }

    [Fact]
    public async Task A_live_call_older_than_the_maximum_duration_found_at_start_up_is_closed()
    {
        await using var before = await EasyMoApp.StartAsync(Settings(("Sideband:Enabled", "false")));
        var callId = await AcceptCallAsync(before);
        await using (var db = before.Db())
        {
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlInterpolatedAsync(db.Database,
                $"UPDATE calls SET accepted_at = accepted_at - interval '2 hours', received_at = received_at - interval '2 hours' WHERE call_id = {callId}", Ct);
        }

        await using var restarted = await EasyMoApp.StartAsync(
            Settings(("OpenAI:WebhookSecret", before.WebhookSecret)), before.ConnectionString, before.OpenAi);

        var call = await WaitForCallAsync(restarted, callId, c => c.Status == CallStatus.Ended);

        call.EndReason.ShouldBe(CallEndReason.MaxDuration);
        before.OpenAi.For("hangup", callId).ShouldHaveSingleItem();
        before.OpenAi.SessionsFor(callId).ShouldBeEmpty();
    }
}
