using EasyMo.IntegrationTests.Monitor;

namespace EasyMo.IntegrationTests.Metrics;

/// <summary><c>easymo_calls_live</c>: up while the monitor follows a call, down when its socket closes.</summary>
[Collection(MetricsCollection.Name)]
public sealed class LiveCallsMetricTests
{
    [Fact]
    public async Task A_followed_call_is_live_until_its_socket_closes()
    {
        await using var app = await EasyMoApp.StartAsync(WithMonitor(), WithUncachedMetrics());
        var before = (await Scrape.TakeAsync(app)).Value("easymo_calls_live");

        var callId = await MonitorTestKit.AcceptCallAsync(app);
        var session = await app.OpenAi.WaitForSessionAsync(callId);
        await WaitForAsync(app, live => live == before + 1);

        await session.CloseAsync();
        await MonitorTestKit.WaitForCallAsync(app, callId, call => call.Status == EasyMo.Domain.Calls.CallStatus.Ended);
        await WaitForAsync(app, live => live == before);
    }

    private static async Task WaitForAsync(EasyMoApp app, Func<double, bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        Scrape scrape;
        do
        {
            scrape = await Scrape.TakeAsync(app);
            if (condition(scrape.Value("easymo_calls_live")))
            {
                return;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        while (DateTime.UtcNow < until);

        throw new TimeoutException("easymo_calls_live never reached the expected value: " + scrape.Value("easymo_calls_live"));
    }
}
