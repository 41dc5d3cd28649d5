using System.Net.Http.Headers;
using System.Net.WebSockets;
using EasyMo.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

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

    public static async Task<SandboxHost> StartAsync(Action<SandboxOptions>? configure = null)
    {
        var app = SandboxServer.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], options =>
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

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
    }
}
