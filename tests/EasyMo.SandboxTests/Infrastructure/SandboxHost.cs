using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using EasyMo.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EasyMo.SandboxTests.Infrastructure;

/// <summary>The sandbox in-process, on a Kestrel port of its own on loopback, with short delays.</summary>
public sealed class SandboxHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SandboxHost(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = baseUrl };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sandbox");
    }

    /// <summary>Root of the sandbox (<c>http://127.0.0.1:{port}/</c>); OpenAI's base is <c>{BaseUrl}v1</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>A client with a bearer key, as the service sends one.</summary>
    public HttpClient Http { get; }

    public SandboxState State => _app.Services.GetRequiredService<SandboxState>();

    public Uri OpenAiBaseUrl => new(BaseUrl, "v1");

    /// <summary>The settings the sandbox runs with, after configuration and the test's overrides.</summary>
    public SandboxOptions Options => _app.Services.GetRequiredService<IOptions<SandboxOptions>>().Value;

    /// <summary>Starts the sandbox; <paramref name="settings"/> are command-line settings (<c>--Sandbox:…=…</c>), as scripts/sandbox.sh passes them.</summary>
    public static async Task<SandboxHost> StartAsync(Action<SandboxOptions>? configure = null, string[]? settings = null)
    {
        var app = SandboxServer.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", .. settings ?? []], options =>
        {
            options.TurnDelay = TimeSpan.FromMilliseconds(50);
            options.GreetingWait = TimeSpan.FromSeconds(3);
            options.ToolWait = TimeSpan.FromSeconds(3);
            configure?.Invoke(options);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SandboxHost(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Accepts <paramref name="callId"/> as the service does (a GA session, type realtime and a model).</summary>
    public async Task AcceptAsync(string callId, string instructions = "You are EasyMO's assistant.")
    {
        using var response = await Http.PostAsJsonAsync($"v1/realtime/calls/{callId}/accept", new
        {
            type = "realtime",
            model = "gpt-realtime",
            instructions,
            audio = new { output = new { voice = "alloy" } },
        }, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>Opens the sideband socket of <paramref name="callId"/> with a bearer key, as the service does.</summary>
    public async Task<ClientWebSocket> ConnectAsync(string callId)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer sandbox");
        socket.Options.CollectHttpResponseDetails = true;
        var url = new UriBuilder(BaseUrl) { Scheme = "ws", Path = "/v1/realtime", Query = $"call_id={Uri.EscapeDataString(callId)}" }.Uri;
        await socket.ConnectAsync(url, TestContext.Current.CancellationToken);
        return socket;
    }

    /// <summary>
    /// A valid <c>LiveSessionCreateRequest</c> for an outbound call to <paramref name="destination"/>, as the service's
    /// call-backs send it; the trunk's credentials are <see cref="TrunkUsername"/> and <see cref="TrunkPassword"/>.
    /// </summary>
    public static JsonObject OutboundRequest(string destination = "+250788123456") => new()
    {
        ["session"] = new JsonObject
        {
            ["model"] = "gpt-live-1",
            ["instructions"] = "Call the customer back in English about their taxi.",
            ["audio"] = new JsonObject { ["output"] = new JsonObject { ["voice"] = "marin" } },
            ["delegation"] = new JsonObject
            {
                ["type"] = "responses",
                ["responses"] = new JsonObject { ["model"] = "gpt-5-mini", ["instructions"] = "Record the request.", ["tools"] = new JsonArray(), ["parallel_tool_calls"] = false },
            },
        },
        ["transport"] = new JsonObject
        {
            ["type"] = "sip",
            ["destination"] = destination,
            ["trunk"] = new JsonObject
            {
                ["provider_url"] = "sips:sip.example.com:5061",
                ["auth"] = new JsonObject { ["type"] = "digest", ["username"] = TrunkUsername, ["password"] = TrunkPassword },
                ["caller_number"] = "+250788000000",
            },
        },
    };

    public const string TrunkUsername = "trunk-user-7f3a";
    public const string TrunkPassword = "trunk-pass-Zq81xw";

    /// <summary>Places an outbound call as the service's call-backs do; returns the session's id.</summary>
    public async Task<string> CreateOutboundAsync(string destination = "+250788123456")
    {
        using var response = await Http.PostAsJsonAsync("v1/live/sessions", OutboundRequest(destination), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return body.GetProperty("session").GetProperty("id").GetString().ShouldNotBeNull();
    }

    /// <summary>Opens GPT-Live's sideband of <paramref name="sessionId"/> (<c>/v1/live/sessions/{id}/attach</c>) with a bearer key.</summary>
    public async Task<ClientWebSocket> AttachAsync(string sessionId)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer sandbox");
        socket.Options.CollectHttpResponseDetails = true;
        var url = new UriBuilder(BaseUrl) { Scheme = "ws", Path = $"/v1/live/sessions/{Uri.EscapeDataString(sessionId)}/attach" }.Uri;
        await socket.ConnectAsync(url, TestContext.Current.CancellationToken);
        return socket;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
    }
}
