using EasyMo.Domain.Calls;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EasyMo.IntegrationTests.Webhooks;

/// <summary>Database down: 503, nothing called at OpenAI, nothing half-written; OpenAI's redelivery then completes the call.</summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task A_webhook_during_an_outage_is_503_and_its_redelivery_is_decided_once()
    {
        var direct = await SharedDatabase.CreateMigratedDatabaseAsync();
        var target = new NpgsqlConnectionStringBuilder(direct);
        await using var proxy = TcpProxy.Start(target.Host!, target.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(direct) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 2 }.ConnectionString;
        await using var app = await EasyMoApp.StartAsync(connectionString: throughProxy);
        (await app.PostWebhookAsync(Events.CarrierCall(Events.NewCallId(), Events.NewRwandanNumber()))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var callId = Events.NewCallId();
        var body = Events.CarrierCall(callId, Events.NewRwandanNumber());

        proxy.Cut();
        using var during = await app.PostWebhookAsync(body, "wh_outage");

        during.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        during.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        app.OpenAi.For("accept", callId).ShouldBeEmpty();
        using (var client = app.CreateClient())
        {
            (await client.GetAsync("/health/ready", Ct)).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await client.GetAsync("/health/live", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        proxy.Resume();
        HttpResponseMessage? after = null;
        for (var attempt = 0; attempt < 5 && after?.StatusCode != HttpStatusCode.OK; attempt++)
        {
            // OpenAI redelivers with the same webhook-id; a pooled connection cut by the outage may cost one more 503.
            after = await app.PostWebhookAsync(body, "wh_outage");
        }

        after.ShouldNotBeNull().StatusCode.ShouldBe(HttpStatusCode.OK);
        app.OpenAi.For("accept", callId).ShouldHaveSingleItem();
        await using var db = new EasyMoApp.DbFor(direct).Context;
        (await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == callId.AsCallId(), Ct)).Status.ShouldBe(CallStatus.Accepted);
    }

    [Fact]
    public async Task A_database_that_is_not_migrated_answers_503_and_is_not_ready()
    {
        await using var app = await EasyMoApp.StartAsync(connectionString: await SharedDatabase.CreateEmptyDatabaseAsync());
        using var client = app.CreateClient();

        using var ready = await client.GetAsync("/health/ready", Ct);
        using var webhook = await app.PostWebhookAsync(Events.CarrierCall(Events.NewCallId(), Events.NewRwandanNumber()));

        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        webhook.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        app.OpenAi.Requests.ShouldBeEmpty();
    }
}
