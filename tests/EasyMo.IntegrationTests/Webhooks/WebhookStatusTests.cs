using System.Text;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.IntegrationTests.Webhooks;

/// <summary>Contract §2: every answer of <c>POST /openai-sip-webhook</c>, and that refused requests leave no trace.</summary>
public sealed class WebhookStatusTests : IAsyncLifetime
{
    private EasyMoApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await EasyMoApp.StartAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("webhook-id")]
    [InlineData("webhook-timestamp")]
    [InlineData("webhook-signature")]
    public async Task A_missing_header_is_401(string missing)
    {
        var (body, id, timestamp, signature) = Signed(Events.CarrierCall(Events.NewCallId(), Events.NewRwandanNumber()));

        using var response = await _app.PostRawWebhookAsync(
            body,
            missing == "webhook-id" ? null : id,
            missing == "webhook-timestamp" ? null : timestamp,
            missing == "webhook-signature" ? null : signature);

        await ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        await ShouldHaveDoneNothingAsync();
    }

    [Fact]
    public async Task A_wrong_signature_is_401()
    {
        var (body, id, timestamp, _) = Signed(Events.CarrierCall(Events.NewCallId(), Events.NewRwandanNumber()));
        var other = new EasyMo.Infrastructure.OpenAi.StandardWebhookVerifier("whsec_" + Convert.ToBase64String(new byte[32]), TimeProvider.System);

        using var response = await _app.PostRawWebhookAsync(body, id, timestamp, other.Sign(id, long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), body));

        await ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        await ShouldHaveDoneNothingAsync();
    }

    [Fact]
    public async Task A_body_changed_after_signing_is_401()
    {
        var (body, id, timestamp, signature) = Signed(Events.CarrierCall(Events.NewCallId(), Events.NewRwandanNumber()));
        var reformatted = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(JsonDocument.Parse(body).RootElement, new JsonSerializerOptions { WriteIndented = true }));

        using var response = await _app.PostRawWebhookAsync(reformatted, id, timestamp, signature);

        await ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        await ShouldHaveDoneNothingAsync();
    }

    // The exact ±300/301 s boundary is tested against a frozen clock in StandardWebhookVerifierTests; here the clock runs,
    // so the offsets keep clear of it (a second may pass between signing and checking).
    [Theory]
    [InlineData(-305)]
    [InlineData(305)]
    [InlineData(-3600)]
    public async Task A_timestamp_outside_300_seconds_is_401(int offsetSeconds)
    {
        using var response = await _app.PostWebhookAsync(
            Events.CarrierCall(Events.NewCallId(), Events.NewRwandanNumber()),
            timestamp: DateTimeOffset.UtcNow.ToUnixTimeSeconds() + offsetSeconds);

        await ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        await ShouldHaveDoneNothingAsync();
    }

    [Fact]
    public async Task A_timestamp_inside_the_tolerance_is_accepted()
    {
        using var response = await _app.PostWebhookAsync(
            Events.CarrierCall(Events.NewCallId(), Events.NewRwandanNumber()),
            timestamp: DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 295);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("1750861210.5")]
    [InlineData("yesterday")]
    [InlineData("")]
    public async Task A_timestamp_that_is_not_an_integer_is_401(string timestamp)
    {
        var body = Encoding.UTF8.GetBytes(Events.CarrierCall(Events.NewCallId(), Events.NewRwandanNumber()));

        using var response = await _app.PostRawWebhookAsync(body, "wh_1", timestamp, "v1,AAAA");

        await ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        await ShouldHaveDoneNothingAsync();
    }

    [Fact]
    public async Task A_body_over_256_KiB_is_413()
    {
        var padding = new string('x', 256 * 1024);
        var body = Events.CallIncoming(Events.NewCallId(), ("From", "<sip:+250788123456@x>"), ("X-Padding", padding));

        using var response = await _app.PostWebhookAsync(body);

        await ShouldBeProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        await ShouldHaveDoneNothingAsync();
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"type\":")]
    [InlineData("{\"id\":\"evt_1\",\"data\":{}}")]
    public async Task A_signed_body_that_is_not_an_event_is_400(string body)
    {
        using var response = await _app.PostWebhookAsync(body);

        await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        await ShouldHaveDoneNothingAsync();
    }

    [Theory]
    [InlineData("{\"id\":\"evt_1\",\"type\":\"realtime.call.incoming\",\"created_at\":1,\"data\":{\"sip_headers\":[]}}")]
    [InlineData("{\"id\":\"evt_1\",\"type\":\"realtime.call.incoming\",\"created_at\":1,\"data\":{\"call_id\":\"rtc_x\"}}")]
    [InlineData("{\"id\":\"evt_1\",\"type\":\"realtime.call.incoming\",\"created_at\":1,\"data\":{\"call_id\":\"rtc_x\",\"sip_headers\":[{\"name\":\"From\"}]}}")]
    [InlineData("{\"id\":\"evt_1\",\"type\":\"realtime.call.incoming\",\"created_at\":1,\"data\":{\"call_id\":\"rtc_x\",\"sip_headers\":\"From: x\"}}")]
    [InlineData("{\"id\":\"evt_1\",\"type\":\"realtime.call.incoming\",\"created_at\":1,\"data\":{\"call_id\":42,\"sip_headers\":[]}}")]
    [InlineData("{\"id\":\"evt_1\",\"type\":\"realtime.call.incoming\",\"created_at\":1}")]
    public async Task An_incoming_call_without_call_id_or_sip_headers_is_400(string body)
    {
        using var response = await _app.PostWebhookAsync(body);

        await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        await ShouldHaveDoneNothingAsync();
    }

    [Fact]
    public async Task An_invalid_call_id_is_a_400_validation_problem()
    {
        using var response = await _app.PostWebhookAsync(Events.CallIncoming("rtc with spaces", ("From", "<sip:+250788123456@x>")));

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").EnumerateObject().ShouldContain(p => p.Name == "CallId");
        await ShouldHaveDoneNothingAsync();
    }

    [Fact]
    public async Task A_call_ended_for_an_id_no_call_can_have_is_a_400_validation_problem()
    {
        using var response = await _app.PostWebhookAsync(Events.Other("realtime.call.ended", "rtc with spaces"));

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").EnumerateObject().ShouldContain(p => p.Name == "CallId");
        await ShouldHaveDoneNothingAsync();
    }

    [Theory]
    [InlineData("response.completed")]
    [InlineData("live.session.created")]
    [InlineData("batch_completed")]
    public async Task Any_other_event_type_is_200_and_ignored(string type)
    {
        using var response = await _app.PostWebhookAsync(Events.Other(type));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString().ShouldBe("ignored");
        await ShouldHaveDoneNothingAsync();
    }

    [Fact]
    public async Task A_real_delivery_with_unknown_members_and_a_repeated_header_is_accepted()
    {
        var callId = Events.NewCallId();
        var body = $$$"""
            {"object":"event","id":"evt_685343a1381c819085d44c354e1b330e","type":"realtime.call.incoming","created_at":1750287018,
             "data":{"call_id":"{{{callId}}}","sip_media_security":"srtp","future_field":{"x":1},
             "sip_headers":[{"name":"Via","value":"SIP/2.0/TLS a"},{"name":"Via","value":"SIP/2.0/TLS b"},
                            {"name":"from","value":"sip:+142555512112@sip.example.com"},
                            {"name":"To","value":"sip:+18005551212@sip.example.com"},
                            {"name":"Call-ID","value":"03782086-4ce9-44bf-8b0d-4e303d2cc590"}]}}
            """;

        using var response = await _app.PostWebhookAsync(body);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var call = await DecisionTableTests.FindCallAsync(_app, callId);
        call.Caller.ShouldBe(EasyMo.Domain.Common.PhoneNumber.Parse("+142555512112"));
        call.Language.Code.ShouldBe("en");
    }

    [Fact]
    public async Task The_correlation_id_comes_back_and_a_new_one_is_made_when_absent()
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openai-sip-webhook/health");
        request.Headers.Add("X-Correlation-ID", "op-42");
        using var echoed = await client.SendAsync(request, Ct);
        using var fresh = await client.GetAsync("/openai-sip-webhook/health", Ct);

        echoed.Headers.GetValues("X-Correlation-ID").ShouldHaveSingleItem().ShouldBe("op-42");
        fresh.Headers.GetValues("X-Correlation-ID").ShouldHaveSingleItem().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task The_health_route_answers_the_original_shape()
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync("/openai-sip-webhook/health", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.GetProperty("status").GetString().ShouldBe("healthy");
        body.GetProperty("service").GetString().ShouldBe("openai-sip-webhook");
        body.TryGetProperty("timestamp", out _).ShouldBeTrue();
    }

    private (byte[] Body, string Id, string Timestamp, string Signature) Signed(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var id = "wh_" + Guid.NewGuid().ToString("N");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return (body, id, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), _app.Signer.Sign(id, timestamp, body));
    }

    private static async Task<JsonElement> ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("status").GetInt32().ShouldBe((int)status);
        return problem;
    }

    private async Task ShouldHaveDoneNothingAsync()
    {
        _app.OpenAi.Requests.ShouldBeEmpty();
        await using var db = _app.Db();
        (await db.Calls.CountAsync(Ct)).ShouldBe(0);
        (await db.WebhookDeliveries.CountAsync(Ct)).ShouldBe(0);
        (await db.Profiles.CountAsync(Ct)).ShouldBe(0);
    }
}
