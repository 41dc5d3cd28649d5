using System.Net.Http.Headers;
using System.Security.Cryptography;
using EasyMo.Infrastructure.Persistence;
using Mediator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serilog.Core;
using EasyMo.Infrastructure.OpenAi;
using EasyMo.WebApi.Telemetry;

namespace EasyMo.Testing;

/// <summary>
/// The real service (its Program, DI, EF Core, Refit, Serilog) in a test host, against its own PostgreSQL database and a
/// fake OpenAI on loopback. Secrets are generated per host.
/// </summary>
public sealed class EasyMoApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private bool _ownsOpenAi;
    private TimeProvider? _time;
    private string _environment = "Testing";

    private EasyMoApp(string connectionString, FakeOpenAi openAi, IDictionary<string, string?> overrides)
    {
        ConnectionString = connectionString;
        OpenAi = openAi;
        WebhookSecret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        ApiKey = "sk-test-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        AdminToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:EasyMo"] = connectionString,
            ["OpenAI:ApiKey"] = ApiKey,
            ["OpenAI:WebhookSecret"] = WebhookSecret,
            ["OpenAI:BaseUrl"] = openAi.BaseUrl.ToString(),
            ["OpenAI:ProjectId"] = "proj_test",
            ["OpenAI:RetryDelay"] = "00:00:00.020",
            ["OpenAI:AttemptTimeout"] = "00:00:00.500",
            ["OpenAI:TotalTimeout"] = "00:00:01.500",
            ["Admin:Token"] = AdminToken,
            ["Identity:AttestationKey"] = Events.EdgeKey, // Events signs incoming calls as the SIP edge does
            ["Database:ApplyMigrations"] = "false",
            ["Sideband:Enabled"] = "false", // tests of the monitor turn it on (Monitor/CallMonitorTests)
            ["Serilog:MinimumLevel:Default"] = "Information",
            // The management listener (/metrics) on a port of the kernel's choosing: parallel hosts never meet on 9464.
            ["Management:Urls"] = "http://127.0.0.1:0",
        };
        _settings.With(overrides);

        // A test may configure a malformed secret on purpose: the signer then keeps the generated one.
        Signer = new StandardWebhookVerifier(
            StandardWebhookVerifier.TryDecodeSecret(_settings["OpenAI:WebhookSecret"], out _) ? _settings["OpenAI:WebhookSecret"]! : WebhookSecret,
            TimeProvider.System);
    }

    public string ConnectionString { get; }

    public FakeOpenAi OpenAi { get; }

    public string WebhookSecret { get; }

    public string ApiKey { get; }

    public string AdminToken { get; }

    public LogCapture Logs { get; } = new();

    public StandardWebhookVerifier Signer { get; }

    /// <summary>The loopback address of a host started with <c>kestrel: true</c>.</summary>
    public Uri? ServerAddress { get; private set; }

    /// <summary>
    /// The management listener's address (<c>GET /metrics</c>), a real loopback socket in either mode: the public side's
    /// in-memory server never serves metrics.
    /// </summary>
    public Uri ManagementAddress => new(Services.GetRequiredService<ManagementListener>().Addresses[0].ToString().TrimEnd('/') + "/");

    /// <summary>A client of the management listener (<see cref="ManagementAddress"/>).</summary>
    public HttpClient CreateManagementClient() => new() { BaseAddress = ManagementAddress };

    /// <summary>
    /// Starts a host with a fresh migrated database (or <paramref name="connectionString"/>) and a new fake OpenAI, in the
    /// Testing environment unless <paramref name="environment"/> names another (Production: what a deployment must have).
    /// </summary>
    public static async Task<EasyMoApp> StartAsync(
        IDictionary<string, string?>? settings = null,
        string? connectionString = null,
        FakeOpenAi? openAi = null,
        bool kestrel = false,
        TimeProvider? time = null,
        string? environment = null)
    {
        var app = new EasyMoApp(
            connectionString ?? await SharedDatabase.CreateMigratedDatabaseAsync(),
            openAi ?? await FakeOpenAi.StartAsync(),
            settings ?? new Dictionary<string, string?>())
        {
            _ownsOpenAi = openAi is null, // a shared fake belongs to the test (or the first host)
            _time = time,
            _environment = environment ?? "Testing",
        };
        if (kestrel)
        {
            // A real socket on loopback, for clients outside the test host (the operator commands).
            app.UseKestrel(0);
            app.StartServer();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            app.ServerAddress = new Uri(address.TrimEnd('/') + "/");
        }
        else
        {
            _ = app.Server; // start now, so that configuration errors surface here
        }

        return app;
    }

    /// <summary>Starts a host with a fresh migrated database and a new fake OpenAI, configured by the groups of <see cref="TestSettings"/>.</summary>
    public static Task<EasyMoApp> StartAsync(params IEnumerable<KeyValuePair<string, string?>>[] settings) =>
        StartAsync(TestSettings.Combine(settings));

    public HttpClient Admin()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    /// <summary>Posts a webhook signed as OpenAI signs it; pass a <paramref name="timestamp"/> to sign at another time.</summary>
    public Task<HttpResponseMessage> PostWebhookAsync(string body, string? webhookId = null, long? timestamp = null, HttpClient? client = null)
    {
        var id = webhookId ?? "wh_" + Guid.NewGuid().ToString("N");
        var ts = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        return PostRawWebhookAsync(bytes, id, ts.ToString(System.Globalization.CultureInfo.InvariantCulture), Signer.Sign(id, ts, bytes), client);
    }

    public Task<HttpResponseMessage> PostRawWebhookAsync(byte[] body, string? webhookId, string? timestamp, string? signature, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/openai-sip-webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (webhookId is not null)
        {
            request.Headers.TryAddWithoutValidation("webhook-id", webhookId);
        }

        if (timestamp is not null)
        {
            request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp);
        }

        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("webhook-signature", signature);
        }

        return (client ?? CreateClient()).SendAsync(request);
    }

    /// <summary>
    /// Sends <paramref name="command"/> through the host's own mediator pipeline (validation and logging behaviours, the real
    /// handler and store) in a DI scope of its own, as an endpoint does for one request: a use case tested without its edge.
    /// </summary>
    public async Task<TResponse> SendAsync<TResponse>(ICommand<TResponse> command)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(command, TestContext.Current.CancellationToken);
    }

    /// <inheritdoc cref="SendAsync{TResponse}(ICommand{TResponse})"/>
    public async Task<TResponse> SendAsync<TResponse>(IQuery<TResponse> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(query, TestContext.Current.CancellationToken);
    }

    /// <inheritdoc cref="SendAsync{TResponse}(ICommand{TResponse})"/>
    public async Task<TResponse> SendAsync<TResponse>(IRequest<TResponse> request)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The host's own JSON options (ASP.NET Core's), to read its answers into the API's own types.</summary>
    public JsonSerializerOptions Json => Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    public EasyMoDbContext Db() => new DbFor(ConnectionString).Context;

    /// <summary>
    /// Runs <paramref name="sql"/> on the host's database as an operator would by hand, on a connection of its own;
    /// returns the first column of the first row, if any.
    /// </summary>
    public async Task<object?> SqlAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestCancellation.Ct);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(TestCancellation.Ct);
    }

    /// <summary>A context on any test database, for arranging and asserting.</summary>
    public sealed class DbFor(string connectionString)
    {
        public EasyMoDbContext Context { get; } = new(DatabaseConnection.ContextOptions(connectionString));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(_settings));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<ILogEventSink>(Logs);
            if (_time is not null)
            {
                services.AddSingleton(_time); // this instance's own clock (a skewed one, say)
            }
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();

        // Idle pooled connections of a finished host (and of Db()) would otherwise stay open for minutes, and a whole run
        // of hosts outgrows the server's max_connections. Busy connections of a host still sharing the database close on return.
        foreach (var connectionString in new[] { ConnectionString, DatabaseConnection.Normalize(ConnectionString) })
        {
            using var connection = new Npgsql.NpgsqlConnection(connectionString);
            Npgsql.NpgsqlConnection.ClearPool(connection);
        }

        if (_ownsOpenAi)
        {
            await OpenAi.DisposeAsync();
        }
    }
}
