using EasyMo.Application.Common.Metrics;
using EasyMo.Application.Common.Options;
using EasyMo.Application.Features.Callbacks;
using EasyMo.Application.Features.Calls;
using EasyMo.Application.Features.Privacy;
using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EasyMo.Application;

public static class DependencyInjection
{
    /// <summary>Registers the use cases' collaborators. The mediator itself is generated and registered by the host.</summary>
    public static IServiceCollection AddApplication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CallHandlingOptions>().Bind(configuration.GetSection(CallHandlingOptions.SectionName));
        services.AddOptions<RealtimeAgentOptions>().Bind(configuration.GetSection(RealtimeAgentOptions.SectionName));
        services.AddOptions<CallPricingOptions>().Bind(configuration.GetSection(CallPricingOptions.SectionName));
        services.AddOptions<PrivacyOptions>().Bind(configuration.GetSection(PrivacyOptions.SectionName)).ValidateProblemsOnStart();
        services.AddOptions<CallbackOptions>().Bind(configuration.GetSection(CallbackOptions.SectionName)).ValidateProblemsOnStart();
        services.AddSingleton<CallbackPolicy>();
        services.AddOptions<CallerIdentityOptions>().Bind(configuration.GetSection(CallerIdentityOptions.SectionName));
        services.AddSingleton<CallerIdentityVerifier>();
        services.AddSingleton<Pseudonymizer>();
        services.AddSingleton<LanguageResolver>();
        services.AddSingleton<TrunkDirectory>();
        services.AddValidatorsFromAssemblyContaining<CallHandlingOptions>(ServiceLifetime.Singleton, includeInternalTypes: false);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<EasyMoMetrics>();
        return services;
    }
}
