using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Refit;

namespace EasyMo.Infrastructure.OpenAi;

/// <summary>What every HTTP client of OpenAI's REST API shares: base URL, bearer key, project and organization headers.</summary>
internal static class OpenAiHttpClient
{
    /// <summary>
    /// Registers a source-generated Refit client of OpenAI's REST API with the shared configuration and a resilience
    /// pipeline of total timeout → retries (exponential, jittered; 5xx, 408, 429, connection errors, attempt timeouts;
    /// Retry-After honoured) → attempt timeout, sized by <paramref name="budget"/>.
    /// </summary>
    public static IHttpResiliencePipelineBuilder AddOpenAiClient<TApi>(
        this IServiceCollection services, JsonSerializerContext json, string name, Func<IServiceProvider, ResilienceBudget> budget)
        where TApi : class =>
        services.AddRefitGeneratedClient<TApi>(new RefitSettings
            {
                Buffered = true, // a Content-Length rather than a chunked body
                ContentSerializer = new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = json }),
            })
            .ConfigureHttpClient(Configure)
            .AddResilienceHandler(name, (pipeline, context) =>
            {
                var limits = budget(context.ServiceProvider);
                pipeline.AddTimeout(limits.Total);
                if (limits.Retries > 0)
                {
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = limits.Retries,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = limits.RetryDelay,
                        MaxDelay = limits.Total,
                    });
                }

                pipeline.AddTimeout(limits.Attempt);
            });

    public static void Configure(IServiceProvider provider, HttpClient client)
    {
        var options = provider.GetRequiredService<IOptions<OpenAiOptions>>().Value;
        client.BaseAddress = options.BaseUrl;
        client.Timeout = Timeout.InfiniteTimeSpan; // each client's resilience pipeline owns every timeout
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        if (!string.IsNullOrWhiteSpace(options.ProjectId))
        {
            client.DefaultRequestHeaders.Add("OpenAI-Project", options.ProjectId);
        }

        if (!string.IsNullOrWhiteSpace(options.OrganizationId))
        {
            client.DefaultRequestHeaders.Add("OpenAI-Organization", options.OrganizationId);
        }
    }
}

/// <summary>How long one operation on OpenAI may take: in all, per attempt, and how many retries fit in between.</summary>
internal sealed record ResilienceBudget(TimeSpan Total, int Retries, TimeSpan RetryDelay, TimeSpan Attempt);
