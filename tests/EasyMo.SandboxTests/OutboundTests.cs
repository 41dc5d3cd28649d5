using System.Net.WebSockets;
using System.Text.Json.Nodes;
using EasyMo.Sandbox;

namespace EasyMo.SandboxTests;

/// <summary>GPT-Live's outbound calls (<c>POST /v1/live/sessions</c>, then the session's sideband), as the service's call-backs use them.</summary>
public sealed class OutboundTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Type(JsonElement serverEvent) => serverEvent.GetProperty("type").GetString()!;

    [Fact]
    public async Task A_valid_create_answers_201_with_a_live_session_at_once_and_records_it_dialing()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        using var response = await sandbox.Http.PostAsJsonAsync("v1/live/sessions", SandboxHost.OutboundRequest("+250788123456"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.EnumerateObject().Select(property => property.Name).ShouldBe(["session", "transport"]); // the trunk is not returned
        var sessionId = body.GetProperty("session").GetProperty("id").GetString().ShouldNotBeNull();
        sessionId.ShouldMatch("^live_[0-9a-f]{32}$");
        body.GetProperty("transport").GetProperty("type").GetString().ShouldBe("sip");

        var call = sandbox.State.FindCall(sessionId).ShouldNotBeNull();
        call.Status.ShouldBe("dialing");
        call.Destination.ShouldBe("+250788123456");
        call.Model.ShouldBe("gpt-live-1");
        call.Instructions.ShouldBe("Call the customer back in English about their taxi.");
        sandbox.State.Requests.ShouldContain(r => r.Operation == "live.create" && r.Subject == sessionId && r.Status == 201);
    }

    [Theory]
    [InlineData("session.type", "\"live\"", "session.type")]
    [InlineData("session.model", null, "session.model")]
    [InlineData("session.model", "\"\"", "session.model")]
    [InlineData("session.voice", "\"marin\"", "session.voice")]
    [InlineData("session", null, "session")]
    [InlineData("transport", null, "transport")]
    [InlineData("metadata", "{}", "metadata")]
    [InlineData("transport.type", "\"webrtc\"", "transport.type")]
    [InlineData("transport.sdp", "\"v=0\"", "transport.sdp")]
    [InlineData("transport.destination", "\"250788123456\"", "transport.destination")]
    [InlineData("transport.destination", "\"+0788123456\"", "transport.destination")]
    [InlineData("transport.destination", "\"sip:+250788123456@example.com\"", "transport.destination")]
    [InlineData("transport.destination", "\"+250788123456\\n\"", "transport.destination")]
    [InlineData("transport.trunk", null, "transport.trunk")]
    [InlineData("transport.trunk.provider_url", "\"sip:sip.example.com:5060\"", "transport.trunk.provider_url")]
    [InlineData("transport.trunk.provider_url", "\"sips:user@sip.example.com\"", "transport.trunk.provider_url")]
    [InlineData("transport.trunk.provider_url", "\"sips:sip.example.com;transport=udp\"", "transport.trunk.provider_url")]
    [InlineData("transport.trunk.transport", "\"tls\"", "transport.trunk.transport")]
    [InlineData("transport.trunk.auth.type", "\"basic\"", "transport.trunk.auth.type")]
    [InlineData("transport.trunk.auth.username", "\"\"", "transport.trunk.auth.username")]
    [InlineData("transport.trunk.auth.username", "\"   \"", "transport.trunk.auth.username")]
    [InlineData("transport.trunk.auth.password", null, "transport.trunk.auth.password")]
    [InlineData("transport.trunk.auth.realm", "\"example.com\"", "transport.trunk.auth.realm")]
    [InlineData("transport.trunk.caller_number", "\"0788000000\"", "transport.trunk.caller_number")]
    public async Task A_create_outside_the_schema_is_refused_400_naming_the_parameter(string path, string? json, string param)
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var request = SandboxHost.OutboundRequest();
        Set(request, path, json);

        using var response = await sandbox.Http.PostAsJsonAsync("v1/live/sessions", request, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");
        error.GetProperty("type").GetString().ShouldBe("invalid_request_error");
        error.GetProperty("param").GetString().ShouldBe(param);
        error.GetProperty("code").ValueKind.ShouldBe(JsonValueKind.Null);
        error.GetProperty("message").GetString().ShouldNotBeNullOrWhiteSpace();
        sandbox.State.Calls.ShouldBeEmpty();
        sandbox.State.Requests.ShouldContain(r => r.Operation == "live.create" && r.Status == 400);
    }

    [Theory]
    [InlineData("session.instructions", "null")]
    [InlineData("session.instructions", null)]
    [InlineData("session.delegation", null)]
    [InlineData("session.store", "false")]
    [InlineData("transport.trunk.provider_url", "\"sips:sip.example.com\"")]
    [InlineData("transport.trunk.provider_url", "\"sips:203.0.113.7:5061;transport=tcp\"")]
    [InlineData("transport.trunk.provider_url", "\"sips:[2001:db8::1]:5061\"")]
    public async Task A_create_within_the_schema_is_accepted(string path, string? json)
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var request = SandboxHost.OutboundRequest();
        Set(request, path, json);

        using var response = await sandbox.Http.PostAsJsonAsync("v1/live/sessions", request, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_create_without_a_JSON_object_is_refused_400()
    {
        await using var sandbox = await SandboxHost.StartAsync();

        using var response = await sandbox.Http.PostAsync("v1/live/sessions", new StringContent("[]", System.Text.Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetProperty("type").GetString().ShouldBe("invalid_request_error");
    }

    [Fact]
    public async Task Outbound_calling_not_enabled_for_the_organization_is_refused_403()
    {
        await using var sandbox = await SandboxHost.StartAsync(options => options.OutboundSip = OutboundSipAccess.Disabled);

        using var response = await sandbox.Http.PostAsJsonAsync("v1/live/sessions", SandboxHost.OutboundRequest(), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");
        error.GetProperty("code").GetString().ShouldBe("outbound_sip_not_enabled");
        error.GetProperty("type").GetString().ShouldBe("invalid_request_error");
        error.GetProperty("message").GetString().ShouldBe("Outbound SIP calling is not enabled for this organization.");
        error.GetProperty("param").ValueKind.ShouldBe(JsonValueKind.Null);
        sandbox.State.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_outbound_settings_are_read_from_the_Sandbox_configuration_section()
    {
        await using var sandbox = await SandboxHost.StartAsync(settings: ["--Sandbox:OutboundSip=disabled", "--Sandbox:RingTime=00:00:02", "--Sandbox:UnansweredDigit=0"]);

        using var response = await sandbox.Http.PostAsJsonAsync("v1/live/sessions", SandboxHost.OutboundRequest(), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        sandbox.Options.OutboundSip.ShouldBe(OutboundSipAccess.Disabled);
        sandbox.Options.RingTime.ShouldBe(TimeSpan.FromSeconds(2));
        sandbox.Options.UnansweredDigit.ShouldBe('0');
        new SandboxOptions().ShouldSatisfyAllConditions(
            defaults => defaults.OutboundSip.ShouldBe(OutboundSipAccess.Enabled),
            defaults => defaults.RingTime.ShouldBe(TimeSpan.FromSeconds(1)),
            defaults => defaults.UnansweredDigit.ShouldBe('9'));
    }

    [Fact]
    public async Task The_status_page_lists_outbound_sessions_masked_and_never_the_trunk_credentials()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        var sessionId = await sandbox.CreateOutboundAsync("+250788123456");
        var refused = SandboxHost.OutboundRequest();
        Set(refused, "transport.trunk.extra", "true");
        using (var response = await sandbox.Http.PostAsJsonAsync("v1/live/sessions", refused, Ct))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await response.Content.ReadAsStringAsync(Ct)).ShouldNotContain(SandboxHost.TrunkPassword);
        }

        var page = await sandbox.Http.GetStringAsync("/", Ct);

        page.ShouldNotContain(SandboxHost.TrunkPassword);
        page.ShouldNotContain(SandboxHost.TrunkUsername);
        page.ShouldNotContain("788123456");
        var status = JsonDocument.Parse(page).RootElement;
        status.GetProperty("fakes").EnumerateArray().Select(fake => fake.GetString()).ShouldContain("POST /v1/live/sessions (outbound SIP)");
        var outbound = status.GetProperty("outbound").EnumerateArray().ShouldHaveSingleItem();
        outbound.GetProperty("id").GetString().ShouldBe(sessionId);
        outbound.GetProperty("destination").GetString().ShouldBe("+250•••••456");
        outbound.GetProperty("status").GetString().ShouldBe("dialing");
        sandbox.State.Requests.ShouldAllBe(r => !r.Subject.Contains(SandboxHost.TrunkPassword) && !r.Subject.Contains(SandboxHost.TrunkUsername));
    }

    [Fact]
    public async Task The_attached_sideband_rings_then_answers_then_plays_the_conversation_once_greeted()
    {
        // A greeting wait far beyond the test's patience: the caller's turn can only come because the greeting was asked for.
        await using var sandbox = await SandboxHost.StartAsync(options =>
        {
            options.RingTime = TimeSpan.FromMilliseconds(200);
            options.GreetingWait = TimeSpan.FromSeconds(60);
            options.ToolWait = TimeSpan.FromSeconds(60);
        });
        var sessionId = await sandbox.CreateOutboundAsync("+250788123456");
        using var socket = await sandbox.AttachAsync(sessionId);
        var client = new SidebandClient(socket);

        var ringing = (await client.ReceiveAsync()).ShouldNotBeNull();
        Type(ringing).ShouldBe("transport.ringing");
        ringing.GetProperty("session_id").GetString().ShouldBe(sessionId);
        ringing.GetProperty("event_id").GetString().ShouldNotBeNullOrEmpty();
        var answered = (await client.ReceiveAsync()).ShouldNotBeNull();
        Type(answered).ShouldBe("transport.answered");
        answered.GetProperty("session_id").GetString().ShouldBe(sessionId);
        Type((await client.ReceiveAsync()).ShouldNotBeNull()).ShouldBe("session.started");
        sandbox.State.FindCall(sessionId).ShouldNotBeNull().Status.ShouldBe("accepted");

        await client.SendAsync(new { type = "session.instructions.append", content = "Greet the customer warmly in English and say why you call back." });
        var events = new List<JsonElement>();
        while (await client.ReceiveAsync() is { } serverEvent)
        {
            events.Add(serverEvent);
            if (Type(serverEvent) == "session.input_transcript.delta")
            {
                break;
            }
        }

        events.ShouldContain(e => Type(e) == "session.output_transcript.delta", "the agent's greeting comes first");
        events[^1].GetProperty("delta").GetString().ShouldBe("Yes. ");

        // From now on it is an accepted Live call: the service's hang-up ends it and closes the socket.
        using (var hangup = await sandbox.Http.PostAsync($"v1/live/sessions/{sessionId}/hangup", null, Ct))
        {
            hangup.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await client.ReadToEndAsync();
        socket.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        sandbox.State.FindCall(sessionId).ShouldNotBeNull().Status.ShouldBe("hung_up");
    }

    [Theory]
    [InlineData("+250788123459", '9')]
    [InlineData("+250788123456", '6')]
    public async Task A_destination_ending_in_the_unanswered_digit_rings_fails_with_no_answer_and_closes(string destination, char unansweredDigit)
    {
        await using var sandbox = await SandboxHost.StartAsync(options =>
        {
            options.RingTime = TimeSpan.FromMilliseconds(100);
            options.UnansweredDigit = unansweredDigit;
        });
        var sessionId = await sandbox.CreateOutboundAsync(destination);
        using var socket = await sandbox.AttachAsync(sessionId);

        var events = await new SidebandClient(socket).ReadToEndAsync();

        events.Select(Type).ShouldBe(["transport.ringing", "transport.failed", "session.closed"]);
        var error = events[1].GetProperty("error");
        error.GetProperty("code").GetString().ShouldBe("no_answer");
        error.GetProperty("type").GetString().ShouldBe("call_error");
        error.GetProperty("message").GetString().ShouldBe("The callee did not answer.");
        events[1].GetProperty("session_id").GetString().ShouldBe(sessionId);
        events[2].GetProperty("reason").GetString().ShouldBe("transport_failed");
        events.Select(e => e.GetProperty("event_id").GetString()).ShouldBeUnique();
        socket.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        sandbox.State.FindCall(sessionId).ShouldNotBeNull().Status.ShouldBe("no_answer");
        await Should.ThrowAsync<WebSocketException>(() => sandbox.AttachAsync(sessionId)); // the session is over
    }

    [Fact]
    public async Task A_hang_up_while_ringing_cancels_the_dial_and_closes_the_socket()
    {
        await using var sandbox = await SandboxHost.StartAsync(options => options.RingTime = TimeSpan.FromSeconds(60));
        var sessionId = await sandbox.CreateOutboundAsync();
        using var socket = await sandbox.AttachAsync(sessionId);
        var client = new SidebandClient(socket);
        Type((await client.ReceiveAsync()).ShouldNotBeNull()).ShouldBe("transport.ringing");

        using (var hangup = await sandbox.Http.PostAsync($"v1/live/sessions/{sessionId}/hangup", null, Ct))
        {
            hangup.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await client.ReadToEndAsync()).ShouldBeEmpty(); // closed well before the 60 s ring, never answered
        socket.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        sandbox.State.FindCall(sessionId).ShouldNotBeNull().Status.ShouldBe("hung_up");
    }

    /// <summary>Sets (or, with null <paramref name="json"/>, removes) the property at the dotted <paramref name="path"/>.</summary>
    private static void Set(JsonObject request, string path, string? json)
    {
        var names = path.Split('.');
        var parent = names[..^1].Aggregate(request, (node, name) => node[name]!.AsObject());
        if (json is null)
        {
            parent.Remove(names[^1]).ShouldBeTrue();
        }
        else
        {
            parent[names[^1]] = JsonNode.Parse(json);
        }
    }
}
