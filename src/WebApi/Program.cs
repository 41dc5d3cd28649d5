using EasyMo.Application;
using EasyMo.Application.Common.Behaviors;
using EasyMo.Application.Features.Calls;
using EasyMo.Application.Features.Calls.AcceptIncomingCall;
using EasyMo.Infrastructure;
using EasyMo.Infrastructure.Configuration;
using EasyMo.Infrastructure.OpenAi;
using EasyMo.Infrastructure.Persistence;
using EasyMo.WebApi.Configuration;
using EasyMo.WebApi.Endpoints;
using EasyMo.WebApi.ErrorHandling;
using EasyMo.WebApi.Logging;
using EasyMo.WebApi.Security;
using EasyMo.WebApi.Telemetry;
using Microsoft.EntityFrameworkCore;
using Serilog;

// The service takes only host settings (`--urls …`, `Key=Value`); the operator's commands are a program of their own.
if (args.Length > 0 && !args[0].StartsWith('-') && !args[0].Contains('='))
{
    await Console.Error.WriteLineAsync(
        $"'{args[0]}' is not a setting of the service: operator commands run with EasyMo.Operator (dotnet EasyMo.Operator.dll --help, or dotnet run --project src/Operator -- --help).");
    return 2;
}

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.Configuration.AddEnvironmentAliases();

    // Not the static Log.Logger: each host (and each test host in one process) keeps its own pipeline.
    builder.Services.AddSerilog((services, logger) => logger.ConfigureEasyMo(builder.Configuration, services), preserveStaticLogger: true);
    builder.Services.AddProblemDetails();
    builder.Services.ConfigureHttpJsonOptions(options => ApiJson.Configure(options.SerializerOptions));
    builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();

    builder.Services.AddApplication(builder.Configuration);
    builder.Services.AddInfrastructure(builder.Configuration);
    builder.Services.AddEasyMoTelemetry(builder.Configuration);
    builder.Services.AddMediator((Mediator.MediatorOptions options) =>
    {
        options.ServiceLifetime = ServiceLifetime.Scoped;
        options.Assemblies = [typeof(AcceptIncomingCallCommand)];
        options.PipelineBehaviors = [typeof(LoggingBehavior<,>), typeof(ValidationBehavior<,>)];
    });

    builder.Services.AddEasyMoOpenApi();
    builder.Services.AddOptions<AdminOptions>().Bind(builder.Configuration.GetSection(AdminOptions.SectionName));
    builder.Services.AddSingleton<OperatorTokens>();
    builder.Services.AddSingleton<FailedAuthenticationLimiter>();
    builder.Services.AddSingleton(services => StandardWebhookVerifier.FromConfiguration(
        services.GetRequiredService<IConfiguration>(), services.GetRequiredService<TimeProvider>()));

    var app = builder.Build();

    // Validated on the final configuration (environment, appsettings, user-secrets, test hosts), before anything serves;
    // outside Development, Testing and Sandbox it must also be safe to expose.
    var problems = StartupConfiguration.Validate(app.Configuration, app.Environment.EnvironmentName);
    if (problems.Count > 0)
    {
        throw new InvalidConfigurationException(problems);
    }

    if (app.Configuration.GetValue("Database:ApplyMigrations", defaultValue: false))
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EasyMoDbContext>();

        // A developer's database made by the migrations written before the first release: taken over (docs/adr/0008).
        if (await PreReleaseChain.AdoptAsync(db, CancellationToken.None) is { } initial)
        {
            StartupLog.PreReleaseDatabaseTakenOver(app.Logger, PreReleaseChain.LastMigrationId, initial);
        }

        await db.Database.MigrateAsync();
    }

    if (!app.Services.GetRequiredService<OperatorTokens>().Any)
    {
        StartupLog.NoAdminToken(app.Logger);
    }

    if (!string.IsNullOrWhiteSpace(app.Configuration[StandardWebhookVerifier.PreviousSecretKey])
        && StandardWebhookVerifier.TryParseInstant(app.Configuration[StandardWebhookVerifier.PreviousSecretUntilKey], out var previousUntil))
    {
        if (previousUntil > app.Services.GetRequiredService<TimeProvider>().GetUtcNow())
        {
            StartupLog.WebhookSecretRotating(app.Logger, previousUntil);
        }
        else
        {
            StartupLog.PreviousWebhookSecretEnded(app.Logger, previousUntil);
        }
    }

    var identity = StartupConfiguration.Identity(app.Configuration);
    if (identity.Policy == UnverifiedCallerPolicy.Trust)
    {
        StartupLog.TrustsUnverifiedCallers(app.Logger);
    }

    if (!identity.HasAttestationKey)
    {
        StartupLog.NoAttestationKey(app.Logger, identity.Policy);
    }

    app.UseMiddleware<CorrelationIdMiddleware>();
    app.UseSerilogRequestLogging(options => options.ConfigureEasyMo(app.Services.GetRequiredService<Serilog.ILogger>()));
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseOperatorApiHeaders();

    app.MapOpenAiWebhooks();
    app.MapWhatsAppWebhooks();
    app.MapAdminApi();
    app.MapEasyMoOpenApi();
    app.MapDashboard();
    app.MapPrivacyApi();
    app.MapHealthChecks("/health/live", HealthResponse.Live());
    app.MapHealthChecks("/health/ready", HealthResponse.Ready());

    await app.RunAsync();
    return 0;
}
catch (InvalidConfigurationException exception)
{
    foreach (var problem in exception.Problems)
    {
        await Console.Error.WriteLineAsync($"configuration error: {problem}");
    }

    if (IsTestHost())
    {
        throw;
    }

    return 1;
}
catch (PreReleaseDatabaseException exception)
{
    await Console.Error.WriteLineAsync($"database error: {exception.Message}");
    if (IsTestHost())
    {
        throw;
    }

    return 1;
}

// A test host (WebApplicationFactory) wants the exception itself rather than an exit code.
static bool IsTestHost() => AppDomain.CurrentDomain.GetAssemblies().Any(assembly => assembly.GetName().Name == "Microsoft.AspNetCore.Mvc.Testing");

/// <summary>The entry point, visible to <c>WebApplicationFactory</c>.</summary>
public partial class Program;
