using EasyMo.Infrastructure.Configuration;

namespace EasyMo.Operator;

/// <summary>
/// What a command runs with: where to write, the configuration (built on first use), and a small service provider
/// holding only what the command registers (no database, no hosted services).
/// </summary>
public sealed class CliContext : IAsyncDisposable
{
    private readonly Lazy<IConfiguration> _configuration;
    private readonly List<ServiceProvider> _providers = [];

    internal CliContext(TextWriter output, TextWriter error, string environmentName, Func<IConfiguration> configuration)
    {
        Out = output;
        Error = error;
        EnvironmentName = environmentName;
        _configuration = new Lazy<IConfiguration>(configuration);
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>The environment whose configuration this is (Production unless the environment names another).</summary>
    public string EnvironmentName { get; }

    public IConfiguration Configuration => _configuration.Value;

    /// <summary>A service provider with the configuration and what <paramref name="register"/> adds; disposed with the context.</summary>
    public IServiceProvider Services(Action<IServiceCollection, IConfiguration> register)
    {
        ArgumentNullException.ThrowIfNull(register);
        var services = new ServiceCollection();
        services.AddSingleton(Configuration);
        services.AddLogging();
        register(services, Configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        _providers.Add(provider);
        return provider;
    }

    /// <summary>The names of the settings among <paramref name="keys"/> that are unset, as environment variables.</summary>
    public IReadOnlyList<string> Missing(params string[] keys) =>
        keys.Where(key => string.IsNullOrWhiteSpace(Configuration[key])).Select(EnvironmentAliases.VariableFor).ToArray();

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        _providers.Clear();
    }
}
