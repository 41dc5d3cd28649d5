using Npgsql;

namespace EasyMo.IntegrationTests.Chaos;

/// <summary>
/// The database goes away in the middle of a burst of calls (its connections cut, as a restart does) and comes back:
/// the service answers 503 while it is gone (never 500), and once OpenAI's redeliveries are in, every call is decided
/// once, as OpenAI's first decision says, with no "we could not answer" to a caller OpenAI accepted (issue 12).
/// </summary>
public sealed class DatabaseOutageUnderLoadTests
{
    private const int Calls = 200;
    private const int Senders = 16;

    [Fact]
    public async Task A_database_cut_mid_burst_gives_503s_and_the_redeliveries_decide_every_call_once()
    {
        var direct = await SharedDatabase.CreateMigratedDatabaseAsync();
        var target = new NpgsqlConnectionStringBuilder(direct);
        await using var proxy = TcpProxy.Start(target.Host!, target.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(direct) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 2 }.ConnectionString;
        await using var app = await EasyMoApp.StartAsync(
            new Dictionary<string, string?> { ["Calls:MaxLiveCalls"] = "0", ["Calls:ClaimTimeout"] = "00:00:02" },
            connectionString: throughProxy);
        app.OpenAi.FirstDecisionWins(async (_, _) =>
        {
            await Task.Delay(Random.Shared.Next(5, 30));
            return 200;
        });
        var burst = WebhookBurst.OfCarrierCalls(Calls);

        await burst.SendAsync(app, Senders, before: i =>
        {
            if (i == Calls / 3)
            {
                proxy.Cut(); // the database goes away, connections and all
                _ = Task.Delay(1_500, Ct).ContinueWith(_ => proxy.Resume(), TaskScheduler.Default);
            }
        });
        var refused = burst.Unanswered;
        await burst.RedeliverAsync(app, Senders, rounds: 10, pause: TimeSpan.FromMilliseconds(500));

        TestContext.Current.TestOutputHelper?.WriteLine($"calls {Calls}; not answered 200 in the burst {refused}; answers {burst.StatusSummary()}");
        refused.ShouldBeGreaterThan(0, "the outage landed during the burst");
        var unhandled = app.Logs.Lines.Where(line => line.Contains("UNHANDLED_EXCEPTION", StringComparison.Ordinal)).Take(3).ToList();
        burst.Statuses.Keys.ShouldAllBe(status => status == 200 || status == 503, $"a database outage is a 503, never a 500: {string.Join('\n', unhandled)}");
        burst.AllAnswered.ShouldBeTrue();

        await FirstDecisionAudit.CheckAsync(direct, app.OpenAi, burst.CallIds);
    }
}
