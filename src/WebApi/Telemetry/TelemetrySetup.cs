using EasyMo.Application.Common.Metrics;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EasyMo.WebApi.Telemetry;

/// <summary>
/// OpenTelemetry: the service's own meter (<see cref="EasyMoMetrics"/>), ASP.NET Core, HttpClient, runtime and Npgsql
/// metrics, scraped at <c>GET /metrics</c> (Prometheus text) on the management listener (<see cref="ManagementListener"/>,
/// <c>EASYMO_MANAGEMENT_URLS</c>), never on the public one. Traces and an OTLP export of both only when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set: without a collector, nothing is traced.
/// </summary>
public static class TelemetrySetup
{
    public const string ServiceName = "easymo-voice";
    public const string MetricsPath = "/metrics";
    public const int DefaultScrapeCacheMilliseconds = 300;

    public static IServiceCollection AddEasyMoTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(EasyMoMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation()
                    // A scrape answers from a cache this young (Metrics:ScrapeCacheMilliseconds, 300 ms by default) rather
                    // than collecting again: a storm of scrapes costs one collection.
                    .AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds =
                        configuration.GetValue("Metrics:ScrapeCacheMilliseconds", DefaultScrapeCacheMilliseconds));
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });

        // Not on the public pipeline: the scrape has a listener of its own (see ManagementListener for why).
        services.AddSingleton<ManagementListener>();
        services.AddHostedService(provider => provider.GetRequiredService<ManagementListener>());

        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options =>
                {
                    // Not traced: the probes (the scrape never reaches this pipeline). The path of a span is the route
                    // template, never the concrete path (which may carry a phone number, as /api/profiles/{phone} does).
                    options.Filter = context => !context.Request.Path.StartsWithSegments("/health");
                    options.EnrichWithHttpResponse = (activity, response) =>
                    {
                        if (response.HttpContext.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route })
                        {
                            activity.SetTag("url.path", route);
                            activity.DisplayName = $"{response.HttpContext.Request.Method} {route}";
                        }
                    };
                })
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter());
        }

        return services;
    }
}
