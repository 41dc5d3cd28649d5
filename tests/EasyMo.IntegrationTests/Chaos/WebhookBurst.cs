using System.Collections.Concurrent;

namespace EasyMo.IntegrationTests.Chaos;

/// <summary>
/// A burst of signed <c>realtime.call.incoming</c> deliveries, one call each from its own caller, sent by concurrent
/// senders as OpenAI would; then OpenAI's redeliveries of every webhook not answered 200. It keeps what each delivery
/// was last answered and how many answers of each status came back.
/// </summary>
internal sealed class WebhookBurst
{
    private readonly ConcurrentDictionary<string, int> _answered = new(StringComparer.Ordinal);

    private WebhookBurst(IReadOnlyList<Delivery> deliveries) => Deliveries = deliveries;

    public IReadOnlyList<Delivery> Deliveries { get; }

    public IReadOnlyList<string> CallIds => [.. Deliveries.Select(d => d.CallId)];

    /// <summary>How many answers of each HTTP status came back, redeliveries included.</summary>
    public ConcurrentDictionary<int, int> Statuses { get; } = new();

    /// <summary>Deliveries whose last answer was not 200 (OpenAI delivers them again).</summary>
    public int Unanswered => Deliveries.Count(d => _answered.GetValueOrDefault(d.WebhookId) != 200);

    public bool AllAnswered => Unanswered == 0;

    public static WebhookBurst OfCarrierCalls(int calls) => new(
        [.. Enumerable.Range(0, calls).Select(_ =>
        {
            var callId = Events.NewCallId();
            return new Delivery("wh_" + Guid.NewGuid().ToString("N"), callId, Events.CarrierCall(callId, Events.NewRwandanNumber()));
        })]);

    /// <summary>
    /// Sends every delivery once, <paramref name="senders"/> at a time in order; <paramref name="before"/> runs before
    /// the delivery of each index (to inject a fault at a point of the burst).
    /// </summary>
    public async Task SendAsync(EasyMoApp app, int senders, Action<int>? before = null)
    {
        var client = app.CreateClient();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, senders).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) is var i && i < Deliveries.Count)
            {
                before?.Invoke(i);
                await DeliverAsync(app, client, Deliveries[i]);
            }
        }));
    }

    /// <summary>OpenAI's retries: every delivery not answered 200, again, after <paramref name="pause"/>, up to <paramref name="rounds"/> times.</summary>
    public async Task RedeliverAsync(EasyMoApp app, int senders, int rounds, TimeSpan pause)
    {
        var client = app.CreateClient();
        for (var round = 0; round < rounds && !AllAnswered; round++)
        {
            await Task.Delay(pause, TestContext.Current.CancellationToken);
            await Parallel.ForEachAsync(
                Deliveries.Where(d => _answered.GetValueOrDefault(d.WebhookId) != 200).ToList(),
                new ParallelOptions { MaxDegreeOfParallelism = senders, CancellationToken = TestContext.Current.CancellationToken },
                async (delivery, _) => await DeliverAsync(app, client, delivery));
        }
    }

    /// <summary>The answers by status, for the test's output: <c>200: 197, 503: 12</c>.</summary>
    public string StatusSummary() => string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));

    private async Task DeliverAsync(EasyMoApp app, HttpClient client, Delivery delivery)
    {
        using var response = await app.PostWebhookAsync(delivery.Body, delivery.WebhookId, client: client);
        _answered[delivery.WebhookId] = (int)response.StatusCode;
        Statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
    }

    internal sealed record Delivery(string WebhookId, string CallId, string Body);
}
