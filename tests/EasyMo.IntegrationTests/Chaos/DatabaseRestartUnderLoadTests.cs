using Npgsql;

namespace EasyMo.IntegrationTests.Chaos;

/// <summary>
/// PostgreSQL itself crashes and restarts (<c>pg_ctl -m immediate</c>, crash recovery on start) in the middle of a burst
/// of calls: the service answers 503 while it is gone (never 500), its pool recovers by itself, and once OpenAI's
/// redeliveries are in, every call is decided once, as OpenAI's first decision says, with no "we could not answer" to a
/// caller OpenAI accepted (issue 12). The cluster is this test's own: the shared server is never restarted.
/// </summary>
public sealed class DatabaseRestartUnderLoadTests
{
    private const int Calls = 200;
    private const int Senders = 16;

    [Theory]
    [InlineData("0")] // no ceiling: the claim is one implicit transaction, committed synchronously
    [InlineData("1000")] // a ceiling: the claim is a transaction of its own in the batch, with the lock, the count and the flush
    public async Task A_database_restarted_mid_burst_gives_503s_and_the_redeliveries_decide_every_call_once(string maxLiveCalls)
    {
        await using var server = await TestPostgres.StartLocalAsync(Ct);
        var database = await server.CreateDatabaseAsync("easymo_restart", Ct);
        await SharedDatabase.MigrateAsync(database);
        var connectionString = new NpgsqlConnectionStringBuilder(database) { Timeout = 2 }.ConnectionString;
        await using var app = await EasyMoApp.StartAsync(
            new Dictionary<string, string?> { ["Calls:MaxLiveCalls"] = maxLiveCalls, ["Calls:ClaimTimeout"] = "00:00:02" },
            connectionString: connectionString);
        app.OpenAi.FirstDecisionWins(async (_, _) =>
        {
            await Task.Delay(Random.Shared.Next(5, 30));
            return 200;
        });
        var burst = WebhookBurst.OfCarrierCalls(Calls);

        Task restart = Task.CompletedTask;
        await burst.SendAsync(app, Senders, before: i =>
        {
            if (i == Calls / 3)
            {
                restart = server.RestartAsync(TimeSpan.FromSeconds(1)); // the server crashes; back a second later
            }
        });
        await restart;
        var refused = burst.Unanswered;
        await burst.RedeliverAsync(app, Senders, rounds: 20, pause: TimeSpan.FromMilliseconds(500));

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"calls {Calls}; not answered 200 in the burst {refused}; answers {burst.StatusSummary()}; "
            + $"accepts sent {app.OpenAi.For("accept").Count} (a claim taken over sends its accept again, and OpenAI's 409 says the call is live)");
        refused.ShouldBeGreaterThan(0, "the restart landed during the burst");
        burst.Statuses.Keys.ShouldAllBe(status => status == 200 || status == 503, "a database restart is a 503, never a 500");
        burst.AllAnswered.ShouldBeTrue();

        await FirstDecisionAudit.CheckAsync(connectionString, app.OpenAi, burst.CallIds);

        // The service is whole again: a new call is decided at once.
        var after = Events.NewCallId();
        using var late = await app.PostWebhookAsync(Events.CarrierCall(after, Events.NewRwandanNumber()));
        late.StatusCode.ShouldBe(HttpStatusCode.OK);
        app.OpenAi.FirstDecisions.GetValueOrDefault(after).ShouldBe("accept");
    }
}
