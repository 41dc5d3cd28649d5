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
    /// <param name="services">The host's services.</param>
    /// <param name="json">The source-generated JSON context of <typeparamref name="TApi"/>'s bodies.</param>
    /// <param name="name">The HTTP client's name (its metrics and logs carry it).</param>
    /// <param name="budget">The resilience budget, read from the options when the client is first made.</param>
    /// <param name="onlyUnsent">
    /// Retry only requests that certainly never reached OpenAI (the connection was not made): for APIs whose POSTs are not
    /// idempotent, such as a call's accept, where a retry after a timeout could decide a call twice.
    /// </param>
    public static IHttpResiliencePipelineBuilder AddOpenAiClient<TApi>(
        this IServiceCollection services, JsonSerializerContext json, string name, Func<IServiceProvider, ResilienceBudget> budget, bool onlyUnsent = false)
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
                    var retry = new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = limits.Retries,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = limits.RetryDelay,
                        MaxDelay = limits.Total,
                    };
                    if (onlyUnsent)
                    {
                        retry.ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException http && NeverSent(http));
                    }

                    pipeline.AddRetry(retry);
                }

                pipeline.AddTimeout(limits.Attempt);
            });

    /// <summary>The connection was never made (refused, unresolvable, TLS failed): the request did not reach OpenAI.</summary>
    public static bool NeverSent(HttpRequestException exception) =>
        exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError;

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
