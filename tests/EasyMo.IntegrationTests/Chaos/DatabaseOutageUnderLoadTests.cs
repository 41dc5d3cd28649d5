using System.Collections.Concurrent;
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

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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
        var deliveries = Enumerable.Range(0, Calls)
            .Select(_ => (WebhookId: "wh_" + Guid.NewGuid().ToString("N"), CallId: Events.NewCallId(), Caller: Events.NewRwandanNumber()))
            .Select(d => (d.WebhookId, d.CallId, Body: Events.CarrierCall(d.CallId, d.Caller)))
            .ToList();
        var answered = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var statuses = new ConcurrentDictionary<int, int>();
        var client = app.CreateClient();

        async Task DeliverAsync((string WebhookId, string CallId, string Body) delivery)
        {
            using var response = await app.PostWebhookAsync(delivery.Body, delivery.WebhookId, client: client);
            answered[delivery.WebhookId] = (int)response.StatusCode;
            statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
        }

        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Senders).Select(async sender =>
        {
            while (Interlocked.Increment(ref next) is var i && i < Calls)
            {
                if (i == Calls / 3)
                {
                    proxy.Cut(); // the database goes away, connections and all
                    _ = Task.Delay(1_500, Ct).ContinueWith(_ => proxy.Resume(), TaskScheduler.Default);
                }

                await DeliverAsync(deliveries[i]);
            }
        }));

        var refused = deliveries.Count(d => answered[d.WebhookId] != 200);
        for (var round = 0; round < 10 && deliveries.Any(d => answered[d.WebhookId] != 200); round++)
        {
            await Task.Delay(500, Ct); // OpenAI's retries come later
            await Parallel.ForEachAsync(deliveries.Where(d => answered[d.WebhookId] != 200).ToList(),
                new ParallelOptions { MaxDegreeOfParallelism = Senders, CancellationToken = Ct }, async (delivery, _) => await DeliverAsync(delivery));
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"calls {Calls}; not answered 200 in the burst {refused}; answers {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}");
        refused.ShouldBeGreaterThan(0, "the outage landed during the burst");
        statuses.Keys.ShouldAllBe(status => status == 200 || status == 503, "a database outage is a 503, never a 500");
        deliveries.ShouldAllBe(d => answered[d.WebhookId] == 200);

        await FirstDecisionAudit.CheckAsync(direct, app.OpenAi, [.. deliveries.Select(d => d.CallId)]);
    }
}
