using EasyMo.Domain.Calls;
using EasyMo.Infrastructure.Persistence;
using static EasyMo.IntegrationTests.Monitor.MonitorTestKit;

namespace EasyMo.IntegrationTests.Monitor;

/// <summary>Each live call has one follower; when it stops or dies, another instance reconnects to the same call.</summary>
public sealed class TakeoverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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
        // An instance that died: its lease is there, expired, and nobody released it.
        await using var dead = await EasyMoApp.StartAsync(Settings(("Sideband:Enabled", "false")));
        var callId = await AcceptCallAsync(dead);
        await using (var db = dead.Db())
        {
            var call = db.Calls.Single(c => c.CallId == callId);
            db.MonitorLeases.Add(new CallMonitorLease { CallId = call.Id, Owner = "dead-instance", LeaseUntil = DateTimeOffset.UtcNow.AddSeconds(-1) });
            await db.SaveChangesAsync(Ct);
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
