using Serilog;
using Serilog.Configuration;
using Serilog.AspNetCore;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace EasyMo.WebApi.Logging;

/// <summary>
/// One JSON event per line on stdout (Serilog's compact format). Framework chatter is held at Warning so that a webhook
/// produces its call events and one request line; request lines name the route, never the path (paths can hold numbers).
/// </summary>
public static class SerilogSetup
{
    public static LoggerConfiguration ConfigureEasyMo(this LoggerConfiguration logger, IConfiguration configuration, IServiceProvider services) =>
        logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
            .MinimumLevel.Override("Polly", LogEventLevel.Warning)
            .ReadFrom.Configuration(configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .Enrich.With<RequestPathRemover>()
            .Enrich.With<WhatsAppIdMasker>()
            .Enrich.WithProperty("Service", "easymo-voice")
            // Off the request thread: a webhook should not wait for stdout. Events beyond the queue are dropped, not
            // blocked on; the rest reach stdout within LogBatchInterval, a batch in one write.
            .WriteTo.Sink(
                new JsonLinesSink(new RenderedCompactJsonFormatter(), Console.OpenStandardOutput()),
                new BatchingOptions { BatchSizeLimit = 1_000, BufferingTimeLimit = LogBatchInterval, QueueLimit = 10_000, EagerlyEmitFirstEvent = true });

    /// <summary>How long an event may wait for its batch to be written to stdout.</summary>
    internal static readonly TimeSpan LogBatchInterval = TimeSpan.FromMilliseconds(50);

    private static bool IsWebhook(PathString path) =>
        path.StartsWithSegments("/openai-sip-webhook") || path.StartsWithSegments("/whatsapp-webhook")
        || path.StartsWithSegments("/wa-webhook-voice-calls") || path.StartsWithSegments("/wa-webhook-voice-messages");

    public static void ConfigureEasyMo(this RequestLoggingOptions options, Serilog.ILogger logger)
    {
        options.Logger = logger;
        options.MessageTemplate = "HTTP {RequestMethod} {Route} responded {StatusCode} in {Elapsed:0.0} ms";
        options.GetMessageTemplateProperties = (context, _, elapsed, statusCode) =>
        [
            new LogEventProperty("RequestMethod", new ScalarValue(context.Request.Method)),
            new LogEventProperty("Route", new ScalarValue((context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)")),
            new LogEventProperty("StatusCode", new ScalarValue(statusCode)),
            new LogEventProperty("Elapsed", new ScalarValue(elapsed)),
        ];
        // Health probes, and webhooks that went well (their call events already say what happened), log at Debug.
        options.GetLevel = (context, _, exception) => exception is not null || context.Response.StatusCode >= 500
            ? LogEventLevel.Error
            : context.Request.Path.StartsWithSegments("/health")
              || (context.Response.StatusCode < 300 && context.Request.Method == HttpMethods.Post && IsWebhook(context.Request.Path))
                ? LogEventLevel.Debug
                : LogEventLevel.Information;
    }
}
