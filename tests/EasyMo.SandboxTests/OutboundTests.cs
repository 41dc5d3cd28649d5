using System.Text.Json.Nodes;
using EasyMo.Sandbox;

namespace EasyMo.SandboxTests;

/// <summary>GPT-Live's outbound calls (<c>POST /v1/live/sessions</c>, then the session's sideband), as the service's call-backs use them.</summary>
public sealed class OutboundTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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
    [InlineData("transport.trunk.transport", "\"tls\"", "transport.trunk.transport")]
    [InlineData("transport.trunk.auth.type", "\"basic\"", "transport.trunk.auth.type")]
    [InlineData("transport.trunk.auth.username", "\"\"", "transport.trunk.auth.username")]
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
        await using var sandbox = await SandboxHost.StartAsync(settings: ["--Sandbox:OutboundSip=disabled"]);

        using var response = await sandbox.Http.PostAsJsonAsync("v1/live/sessions", SandboxHost.OutboundRequest(), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        sandbox.Options.OutboundSip.ShouldBe(OutboundSipAccess.Disabled);
        new SandboxOptions().OutboundSip.ShouldBe(OutboundSipAccess.Enabled);
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
