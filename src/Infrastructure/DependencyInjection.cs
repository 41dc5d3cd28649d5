using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Features.Callbacks;
using EasyMo.Infrastructure.Callbacks;
using EasyMo.Infrastructure.OpenAi;
using EasyMo.Infrastructure.Persistence;
using EasyMo.Infrastructure.Privacy;
using EasyMo.Infrastructure.Realtime;
using EasyMo.Infrastructure.Work;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EasyMo.Infrastructure;

public static class DependencyInjection
{
    public const string ConnectionStringName = "EasyMo";

    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OpenAiOptions>().Bind(configuration.GetSection(OpenAiOptions.SectionName));

        // Read when the first context is made, so that hosts (and test hosts) may still add configuration after this call.
        services.AddDbContextPool<EasyMoDbContext>((provider, options) => DatabaseConnection
            .Configure(options, DatabaseConnection.Resolve(provider.GetRequiredService<IConfiguration>()) ?? string.Empty)
            // A duplicate delivery ends in a unique violation that the store expects and answers; it is not an error to log.
            // Real database failures still surface through the exception handler's own events.
            .ConfigureWarnings(warnings => warnings.Log(
                (RelationalEventId.CommandError, LogLevel.Debug),
                (CoreEventId.SaveChangesFailed, LogLevel.Debug))));
        services.AddScoped<ICallStore, CallStore>();
        services.AddScoped<IWhatsAppStore, WhatsAppStore>();
        services.AddScoped<IAdminQueries, AdminQueries>();
        services.AddScoped<IAnalysisStats, AnalysisStats>();
        services.AddScoped<IPrivacyStore, PrivacyStore>();
        services.AddSingleton<WorkInstance>();
        services.AddLeasedWork<RetentionJob, string>();

        // The whole operation, retries included, stays within TotalTimeout: the caller is listening to ringing. A call's
        // accept, reject, refer and hangup are retried only when the connection could not be made (docs/adr/0004).
        services.AddOpenAiClient<IOpenAiRealtimeCallsApi>(RealtimeCallsJsonContext.Default, "openai-realtime-calls", provider =>
        {
            var options = provider.GetRequiredService<IOptions<OpenAiOptions>>().Value;
            return new ResilienceBudget(options.TotalTimeout, Math.Max(0, options.MaxRetries), options.RetryDelay, options.AttemptTimeout);
        }, onlyUnsent: true);
        services.AddOpenAiClient<IOpenAiLiveSessionsApi>(LiveSessionsJsonContext.Default, "openai-live-sessions", provider =>
        {
            var options = provider.GetRequiredService<IOptions<OpenAiOptions>>().Value;
            return new ResilienceBudget(options.TotalTimeout, Math.Max(0, options.MaxRetries), options.RetryDelay, options.AttemptTimeout);
        }, onlyUnsent: true);
        services.AddScoped<RealtimeCallsClient>();
        services.AddScoped<LiveSessionsClient>();
        services.AddScoped<ICallControls, CallControls>();

        // Calls back: one POST places one call, so it is retried only when the connection was never made, within DialTimeout.
        services.AddOpenAiClient<IOpenAiLiveOutboundApi>(LiveOutboundJsonContext.Default, "openai-live-outbound", provider =>
        {
            var timeout = provider.GetRequiredService<IOptions<CallbackOptions>>().Value.DialTimeout;
            return new ResilienceBudget(timeout, Retries: 2, TimeSpan.FromMilliseconds(200), timeout);
        }, onlyUnsent: true);
        services.AddScoped<ICallDialer, LiveOutboundDialer>();
        services.AddScoped<ICallbackStore, CallbackStore>();
        services.AddLeasedWork<CallbackDialer, Guid>();
        services.AddCallSummaries(configuration);
        services.AddWhatsAppSending(configuration);

        services.AddOptions<SidebandOptions>().Bind(configuration.GetSection(SidebandOptions.SectionName));
        services.AddScoped<MonitorLeases>();
        services.AddSingleton<MonitorOwnership>();
        services.AddSingleton<ILiveCalls, LiveCallListener>();
        services.AddSingleton<CallMonitorService>();
        services.AddSingleton<ICallMonitor>(provider => provider.GetRequiredService<CallMonitorService>());
        services.AddHostedService(provider => provider.GetRequiredService<CallMonitorService>());

        services.AddHostedService<CallStatsCompactor>();

        services.AddHealthChecks().AddCheck<DatabaseReadyHealthCheck>("database", tags: [DatabaseReadyHealthCheck.ReadyTag]);
        return services;
    }
}
