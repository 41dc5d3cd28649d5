using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;

namespace EasyMo.IntegrationTests.Metrics;

/// <summary>
/// <c>GET /metrics</c> on the management listener: Prometheus text with the service's own instruments. Not run in
/// parallel with other tests: the counters of a meter are process-wide, and other hosts' calls would move them.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTests : IAsyncLifetime
{
    private EasyMoApp _app = null!;

    public async ValueTask InitializeAsync() =>
        _app = await EasyMoApp.StartAsync(WithUncachedMetrics(), new Dictionary<string, string?> { ["Metrics:OutboxBacklogInterval"] = "00:00:00.200" });

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Metrics_answer_prometheus_text_on_the_management_listener()
    {
        using var client = _app.CreateManagementClient();
        using var response = await client.GetAsync("metrics", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.Content.Headers.ContentType.ToString().ShouldContain("version=0.0.4"); // the Prometheus text exposition format
        text.ShouldContain("# TYPE ");
        text.ShouldContain("otel_scope_name=\"System.Runtime\"");
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_set_calls_are_still_decided_and_metrics_still_served()
    {
        // Nothing listens there: the exporter's failures stay inside OpenTelemetry and never reach a request.
        await using var app = await EasyMoApp.StartAsync(WithUncachedMetrics(), new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:1" });

        using var response = await app.PostWebhookAsync(Events.CarrierCall(Events.NewCallId(), Events.NewRwandanNumber()));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Scrape.TakeAsync(app)).Value("easymo_calls_incoming_total").ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task An_incoming_call_counts_its_decision_and_its_duration()
    {
        var before = await Scrape.TakeAsync(_app);

        using var response = await _app.PostWebhookAsync(Events.CarrierCall(Events.NewCallId(), Events.NewRwandanNumber()));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);

        var after = await Scrape.TakeAsync(_app);
        (after.Value("easymo_calls_incoming_total") - before.Value("easymo_calls_incoming_total")).ShouldBe(1, after.Text);
        (after.Value("easymo_call_decisions_total", "outcome=\"accepted\"") - before.Value("easymo_call_decisions_total", "outcome=\"accepted\"")).ShouldBe(1);
        (after.Value("easymo_call_decision_duration_seconds_count", "outcome=\"accepted\"")
            - before.Value("easymo_call_decision_duration_seconds_count", "outcome=\"accepted\"")).ShouldBe(1);
        after.Value("easymo_call_decision_duration_seconds_sum", "outcome=\"accepted\"").ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_repeated_delivery_counts_as_duplicate()
    {
        var body = Events.CarrierCall(Events.NewCallId(), Events.NewRwandanNumber());
        using (var first = await _app.PostWebhookAsync(body, webhookId: "wh_metrics_dup_" + Guid.NewGuid().ToString("N")))
        {
            first.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var before = await Scrape.TakeAsync(_app);
        using var again = await _app.PostWebhookAsync(body);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);

        var after = await Scrape.TakeAsync(_app);
        (after.Value("easymo_call_decisions_total", "outcome=\"duplicate\"") - before.Value("easymo_call_decisions_total", "outcome=\"duplicate\"")).ShouldBe(1);
    }

    [Fact]
    public async Task A_bad_signature_counts_as_a_signature_failure()
    {
        var before = await Scrape.TakeAsync(_app);

        var body = System.Text.Encoding.UTF8.GetBytes(Events.CarrierCall(Events.NewCallId(), Events.NewRwandanNumber()));
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var response = await _app.PostRawWebhookAsync(body, "wh_bad", timestamp, "v1," + Convert.ToBase64String(new byte[32]));
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var after = await Scrape.TakeAsync(_app);
        (after.Value("easymo_webhook_signature_failures_total", "source=\"openai\"")
            - before.Value("easymo_webhook_signature_failures_total", "source=\"openai\"")).ShouldBe(1, after.Text);
        (after.Value("easymo_calls_incoming_total") - before.Value("easymo_calls_incoming_total")).ShouldBe(0);
    }

    [Fact]
    public async Task The_outbox_backlog_gauge_counts_pending_messages()
    {
        await using (var db = _app.Db())
        {
            for (var i = 0; i < 3; i++)
            {
                db.OutboxMessages.Add(OutboxMessage.CallFallback(Events.NewCallId().AsCallId(), PhoneNumber.Parse(Events.NewRwandanNumber()), Language.English, "Sorry.", DateTimeOffset.UtcNow));
            }

            await db.SaveChangesAsync(Ct);
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        Scrape scrape;
        do
        {
            await Task.Delay(100, Ct);
            scrape = await Scrape.TakeAsync(_app);
        }
        while (scrape.Value("easymo_outbox_backlog") != 3 && DateTime.UtcNow < deadline);

        scrape.Value("easymo_outbox_backlog").ShouldBe(3, scrape.Text);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics (not in parallel)";
}
