using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Common.Options;
using EasyMo.Application.Features.Calls;
using EasyMo.Infrastructure.OpenAi;
using EasyMo.Infrastructure.Persistence;
using EasyMo.Infrastructure.Summaries;
using EasyMo.Infrastructure.Work;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

// In the root namespace, beside AddInfrastructure, which calls it.
namespace EasyMo.Infrastructure;

public static class SummaryServiceCollectionExtensions
{
    /// <summary>
    /// Post-call summaries and caller continuity: the call history port, the Responses API client with its own
    /// resilience (off the hot path: a few retries within ~20 s), the summarizer and the analyzer, and their sweepers.
    /// </summary>
    public static IServiceCollection AddCallSummaries(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SummaryOptions>().Bind(configuration.GetSection(SummaryOptions.SectionName)).ValidateProblemsOnStart();
        services.AddScoped<ICallHistory, CallHistory>();

        services.AddOpenAiClient<IOpenAiResponsesApi>(ResponsesJsonContext.Default, "openai-responses", provider =>
        {
            var options = provider.GetRequiredService<IOptions<SummaryOptions>>().Value;
            return new ResilienceBudget(options.RequestTimeout, options.RequestRetries, options.RequestRetryDelay, options.AttemptTimeout);
        });
        services.AddScoped<ICallSummarizer, ResponsesCallSummarizer>();
        services.AddScoped<ICallAnalyzer, ResponsesCallAnalyzer>();

        services.AddLeasedWork<SummarySweeper, string>();
        services.AddLeasedWork<AnalysisSweeper, string>();
        return services;
    }
}
