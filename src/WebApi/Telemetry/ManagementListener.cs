using EasyMo.Infrastructure.Configuration;
using EasyMo.WebApi.Endpoints;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace EasyMo.WebApi.Telemetry;

/// <summary>
/// The management listener: a Kestrel server of its own on <c>EASYMO_MANAGEMENT_URLS</c> (loopback port 9464 by default)
/// that serves <c>GET /metrics</c> and the health probes, and nothing else.
/// </summary>
/// <remarks>
/// A server of its own rather than more addresses on the public one: the public pipeline has no <c>/metrics</c> at all, so
/// no request that reaches the public port can be answered with metrics, whatever <c>Host</c> header it forges; the
/// separation is the socket a connection arrived on, decided by the kernel, not a check a request could talk its way
/// past. The public listener keeps reading <c>ASPNETCORE_URLS</c>, <c>--urls</c> and <c>ASPNETCORE_HTTP_PORTS</c> exactly as
/// ASP.NET Core does, untouched, and the test host's in-memory server and its loopback Kestrel mode both keep working.
/// Started before the public listener (hosted services start before the web host), so a port already taken stops start-up
/// before the service takes any traffic. Scrapes pass through none of the public middleware (request log, correlation id,
/// ASP.NET Core's request metrics): a scrape every 15 s is not traffic.
/// </remarks>
public sealed partial class ManagementListener(IServiceProvider services, IConfiguration configuration, ILogger<ManagementListener> logger)
    : IHostedService, IAsyncDisposable
{
    private KestrelServer? _server;

    /// <summary>The addresses the listener is bound to (with the port Kestrel picked for port 0), once started.</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoints = ManagementUrls.Endpoints(configuration);
        var options = new KestrelServerOptions { ApplicationServices = services, AddServerHeader = false };
        foreach (var endpoint in endpoints)
        {
            switch (endpoint.Host)
            {
                case ManagementHost.Localhost:
                    options.ListenLocalhost(endpoint.Port);
                    break;
                case ManagementHost.Any:
                    options.ListenAnyIP(endpoint.Port);
                    break;
                default:
                    options.Listen(endpoint.Address!, endpoint.Port);
                    break;
            }
        }

        var loggers = services.GetRequiredService<ILoggerFactory>();
        var transport = new SocketTransportFactory(services.GetRequiredService<IOptions<SocketTransportOptions>>(), loggers);
        var server = new KestrelServer(Options.Create(options), transport, loggers);

        var pipeline = new ApplicationBuilder(services, server.Features);
        pipeline.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: null, predicate: null, path: TelemetrySetup.MetricsPath, configureBranchedPipeline: null, optionsName: null);
        pipeline.UseHealthChecks("/health/live", HealthResponse.Live());
        pipeline.UseHealthChecks("/health/ready", HealthResponse.Ready());

        try
        {
            await server.StartAsync(new Application(pipeline.Build(), services.GetRequiredService<IHttpContextFactory>()), cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException)
        {
            // A port already taken (IOException), an address this machine does not have (SocketException): the operator's
            // setting, named on one line like every other configuration error.
            server.Dispose();
            throw new InvalidConfigurationException([$"{ManagementUrls.Variable}: cannot listen on {ManagementUrls.Configured(configuration)} ({exception.Message})"]);
        }

        _server = server;
        var bound = server.Features.Get<IServerAddressesFeature>()!.Addresses.ToArray();
        Addresses = [.. bound.Select(address => new Uri(address))];
        Listening(logger, string.Join(", ", bound));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync(cancellationToken);
        }
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        _server = null;
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 1963, EventName = "MANAGEMENT_LISTENING", Level = LogLevel.Information,
        Message = "Management listener (GET /metrics, /health/live, /health/ready) on {Addresses}; /metrics is not served on the public listener")]
    private static partial void Listening(ILogger logger, string addresses);

    /// <summary>Each request in a context of its own, with request services, as the web host's does (without its diagnostics).</summary>
    private sealed class Application(RequestDelegate pipeline, IHttpContextFactory contexts) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => contexts.Create(contextFeatures);

        public Task ProcessRequestAsync(HttpContext context) => pipeline(context);

        public void DisposeContext(HttpContext context, Exception? exception) => contexts.Dispose(context);
    }
}
