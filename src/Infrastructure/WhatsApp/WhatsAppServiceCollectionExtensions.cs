using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using EasyMo.Application.Common.Options;
using EasyMo.Infrastructure.OpenAi;
using EasyMo.Infrastructure.WhatsApp;
using EasyMo.Infrastructure.Work;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Refit;

// In the root namespace, beside AddInfrastructure, which calls it.
namespace EasyMo.Infrastructure;

public static class WhatsAppServiceCollectionExtensions
{
    /// <summary>
    /// Sending on WhatsApp: the Graph API client (<see cref="AddWhatsAppGraphClient"/>) and the outbox dispatcher, and
    /// the voice-note worker that answers through it.
    /// </summary>
    public static IServiceCollection AddWhatsAppSending(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWhatsAppGraphClient(configuration);
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.SectionName)).ValidateProblemsOnStart();

        services.AddLeasedWork<OutboxDispatcher, Guid>();
        services.AddHostedService<OutboxBacklogProbe>();

        // Voice notes: transcribed (its own OpenAI client, off the hot path) and answered through the outbox.
        services.AddOptions<VoiceNoteOptions>().Bind(configuration.GetSection(VoiceNoteOptions.SectionName)).ValidateProblemsOnStart();
        services.AddOpenAiClient<IOpenAiAudioApi>(AudioJsonContext.Default, "openai-audio", provider =>
        {
            var options = provider.GetRequiredService<IOptions<VoiceNoteOptions>>().Value;
            return new ResilienceBudget(options.RequestTimeout, 0, TimeSpan.FromSeconds(1), options.RequestTimeout);
        });
        services.AddLeasedWork<VoiceNoteWorker, Guid>();
        return services;
    }

    /// <summary>
    /// The Graph API alone (messages, media, settings), for whoever talks to WhatsApp without the outbox or a database
    /// (the operator commands): <see cref="WhatsAppOptions"/>, the Refit client and the media download client (guarded by
    /// <see cref="MediaDownloadGuard"/>), each request bounded by <see cref="WhatsAppOptions.RequestTimeout"/> and not
    /// retried here (the outbox retries), and <see cref="WhatsAppGraphClient"/>.
    /// </summary>
    public static IServiceCollection AddWhatsAppGraphClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WhatsAppOptions>().Bind(configuration.GetSection(WhatsAppOptions.SectionName));
        services.AddRefitGeneratedClient<IWhatsAppGraphApi>(new RefitSettings
            {
                Buffered = true,
                ContentSerializer = new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)
                {
                    TypeInfoResolver = GraphJsonContext.Default,
                    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
                }),
            })
            .ConfigureHttpClient(Configure)
            .AddResilienceHandler("whatsapp-graph", AttemptTimeout);
        // The media download carries the token to a URL Graph names: its own handler connects only to allowed hosts'
        // public addresses and follows no redirect by itself (review L2).
        services.AddSingleton<MediaDownloadGuard>();
        services.AddHttpClient(WhatsAppGraphClient.MediaClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => provider.GetRequiredService<MediaDownloadGuard>().CreateHandler())
            .AddResilienceHandler("whatsapp-graph-media", AttemptTimeout);
        services.AddScoped<WhatsAppGraphClient>();
        return services;
    }

    private static void AttemptTimeout(Polly.ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context) =>
        pipeline.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<WhatsAppOptions>>().Value.RequestTimeout);

    private static void Configure(IServiceProvider provider, HttpClient client)
    {
        var options = provider.GetRequiredService<IOptions<WhatsAppOptions>>().Value;
        client.BaseAddress = options.GraphBaseUrl;
        client.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns the timeout
        if (!string.IsNullOrWhiteSpace(options.AccessToken))
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AccessToken);
        }
    }
}
