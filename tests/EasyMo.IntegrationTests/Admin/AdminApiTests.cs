using System.Net.Http.Headers;

namespace EasyMo.IntegrationTests.Admin;

/// <summary>Contract §6: <c>GET /api/calls/{callId}</c> behind the admin bearer token.</summary>
public sealed class AdminApiTests : IAsyncLifetime
{
    private EasyMoApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await EasyMoApp.StartAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_WhatsApp_call_decided_through_the_webhook_is_whatsapp_in_the_list_the_filter_the_events_and_the_stats()
    {
        var callId = Events.NewCallId();
        var caller = Events.NewRwandanNumber();
        (await _app.PostWebhookAsync(Events.CallIncoming(callId,
            ("From", $"<sip:{caller.TrimStart('+')}@wa.meta.vc>;tag=abc"),
            ("To", "<sip:+250788000111@edge.easymo.example>"),
            ("x-wa-meta-wacid", "wacid.HBgLMjUwNzg4MTIzNDU2FQIAEhggQ0F")))).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var client = _app.Admin();

        var list = await client.GetFromJsonAsync<JsonElement>($"/api/calls?channel=whatsapp&caller={Uri.EscapeDataString(caller)}", Ct);
        var call = await client.GetFromJsonAsync<JsonElement>($"/api/calls/{callId}", Ct);
        var stats = await client.GetFromJsonAsync<JsonElement>("/api/stats/calls?days=1", Ct);

        var item = list.GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        item.GetProperty("callId").GetString().ShouldBe(callId);
        item.GetProperty("channel").GetString().ShouldBe("whatsapp");
        call.GetProperty("events")[0].GetProperty("detail").GetString().ShouldBe("whatsapp");
        stats.GetProperty("byChannel").GetProperty("whatsapp").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
        stats.GetProperty("byChannel").EnumerateObject().Select(channel => channel.Name).ShouldBe(["whatsapp", "phone"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_decided_call_is_shown_with_the_contract_fields()
    {
        var callId = Events.NewCallId();
        var caller = Events.NewRwandanNumber();
        (await _app.PostWebhookAsync(Events.CarrierCall(callId, caller))).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var client = _app.Admin();
        using var response = await client.GetAsync($"/api/calls/{callId}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var call = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        call.GetProperty("callId").GetString().ShouldBe(callId);
        call.GetProperty("status").GetString().ShouldBe("accepted");
        call.GetProperty("channel").GetString().ShouldBe("phone");
        call.GetProperty("language").GetString().ShouldBe("rw");
        call.GetProperty("caller").GetString().ShouldBe(caller);
        call.GetProperty("callee").GetString().ShouldBe("+250788000111");
        call.GetProperty("startedAt").GetDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-1));
        call.GetProperty("acceptedAt").GetDateTimeOffset().ShouldBeGreaterThanOrEqualTo(call.GetProperty("startedAt").GetDateTimeOffset());
        call.GetProperty("endedAt").ValueKind.ShouldBe(JsonValueKind.Null);
        call.GetProperty("durationSeconds").ValueKind.ShouldBe(JsonValueKind.Null);
        call.GetProperty("endReason").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task An_ended_call_shows_its_end_and_duration()
    {
        var callId = Events.NewCallId();
        (await _app.PostWebhookAsync(Events.CarrierCall(callId, Events.NewRwandanNumber()))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Task.Delay(1100, Ct);
        (await _app.PostWebhookAsync(Events.Other("realtime.call.ended", callId))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _app.PostWebhookAsync(Events.Other("realtime.call.ended", callId))).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var client = _app.Admin();
        var call = await client.GetFromJsonAsync<JsonElement>($"/api/calls/{callId}", Ct);

        call.GetProperty("status").GetString().ShouldBe("ended");
        call.GetProperty("endReason").GetString().ShouldBe("remote_ended");
        call.GetProperty("durationSeconds").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
        call.GetProperty("endedAt").GetDateTimeOffset().ShouldBeGreaterThan(call.GetProperty("acceptedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task An_unknown_call_is_404_problem_details()
    {
        using var client = _app.Admin();
        using var response = await client.GetAsync("/api/calls/rtc_unknown", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task A_calls_events_tell_its_lifecycle_in_order()
    {
        var callId = Events.NewCallId();
        (await _app.PostWebhookAsync(Events.CarrierCall(callId, Events.NewRwandanNumber()))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _app.PostWebhookAsync(Events.Other("realtime.call.ended", callId))).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var client = _app.Admin();
        var call = await client.GetFromJsonAsync<JsonElement>($"/api/calls/{callId}", Ct);

        var events = call.GetProperty("events").EnumerateArray().ToArray();
        events.Select(e => e.GetProperty("type").GetString()).ShouldBe(["ringing", "accepted", "ended"]);
        events[0].GetProperty("detail").GetString().ShouldStartWith("phone");
        events[2].GetProperty("detail").GetString().ShouldBe("remote_ended");
        events.Select(e => e.GetProperty("at").GetDateTimeOffset()).ShouldBeInOrder();
    }

    [Fact]
    public async Task A_failed_call_shows_its_sip_status_and_the_queued_whatsapp_fallback()
    {
        _app.OpenAi.Answer("accept", 500);
        var callId = Events.NewCallId();
        (await _app.PostWebhookAsync(Events.CarrierCall(callId, Events.NewRwandanNumber()))).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var client = _app.Admin();
        var call = await client.GetFromJsonAsync<JsonElement>($"/api/calls/{callId}", Ct);

        var events = call.GetProperty("events").EnumerateArray().ToArray();
        events.Select(e => e.GetProperty("type").GetString()).ShouldBe(["ringing", "failed", "whatsapp_fallback_queued"]);
        events[1].GetProperty("detail").GetString().ShouldBe("sip 480 accept_failed");
    }

    public static TheoryData<string, string> Endpoints() => new()
    {
        { "GET", "/api/calls" },
        { "GET", "/api/calls?status=bogus" },
        { "GET", "/api/calls/rtc_any" },
        { "GET", "/api/profiles/+250788123456" },
        { "PUT", "/api/profiles/+250788123456" },
        { "GET", "/api/stats/calls" },
        { "GET", "/api/stats/calls?days=0" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Every_endpoint_is_401_without_the_token_or_with_a_wrong_one(string method, string path)
    {
        foreach (var authorization in new[] { null, "Bearer wrong-token", "Bearer " + _app.AdminToken + "x" })
        {
            using var client = _app.CreateClient();
            if (authorization is not null)
            {
                client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
            }

            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "PUT")
            {
                request.Content = JsonContent.Create(new { blocked = true });
            }

            using var response = await client.SendAsync(request, Ct);

            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"{method} {path} with {authorization ?? "no header"}");
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        }

        await using var db = _app.Db();
        db.Profiles.Count().ShouldBe(0); // the refused PUT changed nothing
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    [InlineData("Bearer ")]
    public async Task Without_the_admin_token_it_is_401(string? authorization)
    {
        using var client = _app.CreateClient();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.GetAsync("/api/calls/rtc_any", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ShouldContain(new AuthenticationHeaderValue("Bearer"));
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task With_no_admin_token_configured_every_api_request_is_refused()
    {
        await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?> { ["Admin:Token"] = null });
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", string.Empty);

        using var response = await client.GetAsync("/api/calls/rtc_any", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
