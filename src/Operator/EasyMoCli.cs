using System.CommandLine;
using System.CommandLine.Invocation;
using EasyMo.Infrastructure.Configuration;
using EasyMo.Operator.Commands;

namespace EasyMo.Operator;

/// <summary>
/// The operator's commands (<c>dotnet run --project src/Operator -- whatsapp show-sip</c>, or <c>dotnet EasyMo.Operator.dll
/// migrate</c> in the image): each runs and exits.
/// </summary>
public static class EasyMoCli
{
    /// <summary>The command groups, one line each: a method that builds the group's <see cref="Command"/> for a context.</summary>
    private static readonly Func<CliContext, Command>[] Groups =
    [
        OpenAiCommands.Create,
        WhatsAppCommands.Create,
        SipEdgeCommands.Create,
        MigrateCommand.Create,
        SimulateCallCommand.Create,
        DoctorCommand.Create,
        HealthcheckCommand.Create,
    ];

    /// <summary>
    /// Runs one command and returns its exit code (<see cref="ExitCodes"/>). Configuration comes from the same sources as
    /// the web app (appsettings.json and appsettings.{Environment}.json of the program, user secrets in Development,
    /// environment variables and their aliases), then <paramref name="configurationOverrides"/>, which win. The
    /// environment is <paramref name="environmentName"/>, else the service's (<c>ASPNETCORE_ENVIRONMENT</c>,
    /// <c>DOTNET_ENVIRONMENT</c>, else Production).
    /// </summary>
    public static async Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        IEnumerable<KeyValuePair<string, string?>>? configurationOverrides = null,
        string? environmentName = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var environment = environmentName ?? EnvironmentName();
        var context = new CliContext(stdout, stderr, environment, () => BuildConfiguration(environment, configurationOverrides));
        try
        {
            var root = CreateRoot(context);
            var parsed = root.Parse(args);
            if (parsed.Action is ParseErrorAction)
            {
                foreach (var error in parsed.Errors)
                {
                    await stderr.WriteLineAsync(error.Message);
                }

                await stderr.WriteLineAsync("Add --help for usage.");
                return ExitCodes.Usage;
            }

            var invocation = new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false, // an unexpected failure is one line below, never a stack trace
                ProcessTerminationTimeout = null,      // the caller's token cancels; the host process keeps its own Ctrl+C handling
            };
            return await parsed.InvokeAsync(invocation, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("cancelled");
            return ExitCodes.Failed;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // An operator reads one line, not a stack trace; the message names the failure without the values involved.
            await stderr.WriteLineAsync($"error: {exception.GetType().Name}: {exception.Message}");
            return ExitCodes.Failed;
        }
        finally
        {
            await context.DisposeAsync();
        }
    }

    private static RootCommand CreateRoot(CliContext context)
    {
        var root = new RootCommand("EasyMO Voice, the operator's tool: each command runs and exits. The service itself is EasyMo.WebApi.");
        foreach (var group in Groups)
        {
            root.Subcommands.Add(group(context));
        }

        return root;
    }

    /// <summary>
    /// The environment the service would run in here, read as its web host reads it (<c>ASPNETCORE_ENVIRONMENT</c>,
    /// <c>DOTNET_ENVIRONMENT</c>, else Production).
    /// </summary>
    internal static string EnvironmentName() =>
        Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } aspNetCore ? aspNetCore
        : Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is { Length: > 0 } dotnet ? dotnet
        : Environments.Production;

    /// <summary>The <c>UserSecretsId</c> of <c>src/WebApi/EasyMo.WebApi.csproj</c>: in Development the tool reads the service's secrets.</summary>
    internal const string ServiceUserSecretsId = "easymo-voice-webapi";

    /// <summary>The web app's configuration sources, without building a web host.</summary>
    internal static IConfiguration BuildConfiguration(string environment, IEnumerable<KeyValuePair<string, string?>>? overrides)
    {
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true);
        if (environment == Environments.Development)
        {
            builder.AddUserSecrets(ServiceUserSecretsId); // the service's secrets: `dotnet user-secrets` in src/WebApi
        }

        builder.AddEnvironmentVariables().AddEnvironmentAliases();
        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        return builder.Build();
    }
}

/// <summary>The exit codes of every command.</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Ran, and failed: a peer refused or answered something else than expected.</summary>
    public const int Failed = 1;

    /// <summary>Did not run: a usage error, or configuration the command needs is missing or malformed.</summary>
    public const int Usage = 2;
}
