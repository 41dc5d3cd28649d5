using Microsoft.Extensions.DependencyInjection;

namespace EasyMo.Infrastructure.Work;

internal static class WorkServiceCollectionExtensions
{
    /// <summary>Registers <typeparamref name="TWork"/> (a singleton) and the runner that runs it on this instance.</summary>
    public static IServiceCollection AddLeasedWork<TWork, TKey>(this IServiceCollection services)
        where TWork : class, ILeasedWork<TKey>
    {
        services.AddSingleton<TWork>();
        services.AddHostedService<WorkRunner<TWork, TKey>>();
        return services;
    }
}
