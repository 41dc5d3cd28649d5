using EasyMo.Domain.Calls;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.IntegrationTests.Webhooks;

/// <summary>
/// A webhook id is processed once and a call decided once: for redeliveries, for duplicates arriving at the same moment,
/// and across two service instances sharing one database.
/// </summary>
public sealed class ExactlyOnceTests
{
    [Fact]
    public async Task The_same_webhook_id_delivered_again_changes_nothing()
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = Events.NewCallId();
        var body = Events.CarrierCall(callId, Events.NewRwandanNumber());

        using var first = await app.PostWebhookAsync(body, webhookId: "wh_same");
        using var second = await app.PostWebhookAsync(body, webhookId: "wh_same");

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await second.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString().ShouldBe("already_decided");
        app.OpenAi.For("accept").ShouldHaveSingleItem();
        await ShouldHaveOneCallAsync(app, callId, CallStatus.Accepted);
    }

    [Fact]
    public async Task Another_webhook_for_a_decided_call_changes_nothing()
    {
        await using var app = await EasyMoApp.StartAsync();
        app.OpenAi.Answer("accept", 404);
        var callId = Events.NewCallId();
        var body = Events.CarrierCall(callId, Events.NewRwandanNumber());

        (await app.PostWebhookAsync(body)).StatusCode.ShouldBe(HttpStatusCode.OK);
        app.OpenAi.Answer("accept", 200);
        (await app.PostWebhookAsync(body)).StatusCode.ShouldBe(HttpStatusCode.OK);

        app.OpenAi.For("accept").ShouldHaveSingleItem();
        await ShouldHaveOneCallAsync(app, callId, CallStatus.Missed);
    }

    [Fact]
    public async Task Twenty_identical_deliveries_at_the_same_moment_accept_once()
    {
        await using var app = await EasyMoApp.StartAsync();
        SlowAccept(app);
        var callId = Events.NewCallId();
        var body = Events.CarrierCall(callId, Events.NewRwandanNumber());
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => app.PostWebhookAsync(body, "wh_burst", timestamp)));

        responses.ShouldAllBe(response => response.StatusCode == HttpStatusCode.OK);
        app.OpenAi.For("accept").ShouldHaveSingleItem();
        app.OpenAi.For("reject").ShouldBeEmpty();
        await ShouldHaveOneCallAsync(app, callId, CallStatus.Accepted);
    }

    [Fact]
    public async Task Ten_webhook_ids_for_one_call_at_the_same_moment_accept_once()
    {
        await using var app = await EasyMoApp.StartAsync();
        SlowAccept(app);
        var callId = Events.NewCallId();
        var body = Events.CarrierCall(callId, Events.NewRwandanNumber());

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => app.PostWebhookAsync(body, $"wh_{i}")));

        responses.ShouldAllBe(response => response.StatusCode == HttpStatusCode.OK);
        var outcomes = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString()));
        outcomes.Count(outcome => outcome == "accepted").ShouldBe(1);
        outcomes.Count(outcome => outcome == "already_decided").ShouldBe(9);
        app.OpenAi.For("accept").ShouldHaveSingleItem();
        await ShouldHaveOneCallAsync(app, callId, CallStatus.Accepted);
        await using var db = app.Db();
        (await db.WebhookDeliveries.CountAsync(Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task Two_service_instances_sharing_a_database_decide_a_call_once()
    {
        await using var first = await EasyMoApp.StartAsync();
        await using var second = await EasyMoApp.StartAsync(
            new Dictionary<string, string?> { ["OpenAI:WebhookSecret"] = first.WebhookSecret },
            first.ConnectionString,
            first.OpenAi);
        SlowAccept(first);
        var callId = Events.NewCallId();
        var body = Events.CarrierCall(callId, Events.NewRwandanNumber());
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            (i % 2 == 0 ? first : second).PostWebhookAsync(body, $"wh_{i}", timestamp)));

        responses.ShouldAllBe(response => response.StatusCode == HttpStatusCode.OK);
        first.OpenAi.For("accept", callId).ShouldHaveSingleItem();
        await ShouldHaveOneCallAsync(first, callId, CallStatus.Accepted);
    }

    /// <summary>Keeps the first accept in flight long enough for every duplicate to arrive while it is open.</summary>
    private static void SlowAccept(EasyMoApp app) =>
        app.OpenAi.Responder = async (operation, _, _) =>
        {
            await Task.Delay(operation == "accept" ? 200 : 0);
            return 200;
        };

    private static async Task ShouldHaveOneCallAsync(EasyMoApp app, string callId, CallStatus status)
    {
        await using var db = app.Db();
        var calls = await db.Calls.AsNoTracking().Where(c => c.CallId == callId.AsCallId()).ToListAsync(Ct);
        calls.ShouldHaveSingleItem().Status.ShouldBe(status);
    }
}
