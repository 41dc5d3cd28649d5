using EasyMo.Domain.Calls;
using static EasyMo.IntegrationTests.Monitor.MonitorTestKit;

namespace EasyMo.IntegrationTests.Monitor;

/// <summary>
/// Two instances whose clocks are 60 s apart follow calls from one database (issue 12, review M6): leases are set and
/// compared with the database's clock, so the instance ahead does not see the other's lease as run out, and a call has
/// one follower, one sideband socket, one REFER.
/// </summary>
public sealed class ClockSkewTests
{
    private const string HumanLine = "tel:+250788999000";

    [Fact]
    public async Task Two_instances_with_clocks_60_seconds_apart_give_a_call_one_follower_and_one_REFER()
    {
        await using var openAi = await FakeOpenAi.StartAsync(); // outlives both instances
        var settings = Settings(("Calls:TransferTargets:default", HumanLine));
        await using var behind = await EasyMoApp.StartAsync(settings, openAi: openAi);
        await using var ahead = await EasyMoApp.StartAsync(
            new Dictionary<string, string?>(settings) { ["OpenAI:WebhookSecret"] = behind.WebhookSecret },
            behind.ConnectionString,
            openAi,
            time: new SkewedClock(TimeSpan.FromSeconds(60)));
        openAi.RealtimeScript = async session =>
        {
            // Long enough for many sweeps of both instances (every 200 ms, leases of 2 s) before the transfer.
            await Task.Delay(3_000);
            await session.SendAsync(new
            {
                type = "response.function_call_arguments.done",
                event_id = "event_fc_human",
                response_id = "resp_1",
                item_id = "item_fc_human",
                output_index = 0,
                call_id = "fc_human",
                name = "transfer_to_human",
                arguments = """{"reason":"wants a person"}""",
            });
            await Task.Delay(1_000);
            await session.CloseAsync();
        };

        var callId = await AcceptCallAsync(behind);
        var call = await WaitForCallAsync(behind, callId, c => c.Status == CallStatus.Ended, TimeSpan.FromSeconds(20));

        openAi.SessionsFor(callId).Count.ShouldBe(1, "one sideband socket: the instance ahead did not take the call over");
        openAi.For("refer", callId).ShouldHaveSingleItem();
        call.EndReason.ShouldBe(CallEndReason.Transferred);
        ahead.Logs.Text.ShouldNotContain("CALL_MONITOR_TAKEOVER");
    }

    /// <summary>This instance's clock, <paramref name="offset"/> off the real one (timers run as usual).</summary>
    private sealed class SkewedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
