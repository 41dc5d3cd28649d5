using EasyMo.Application.Features.Calls.Sip;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using EasyMo.Infrastructure.OpenAi;
using EasyMo.Operator.Simulation;

namespace EasyMo.SandboxTests.Infrastructure;

/// <summary>
/// The real service (its Program) in a test host, with its own migrated PostgreSQL database, configured as
/// scripts/sandbox.sh configures it: OpenAI and Graph are the in-process sandbox, the sideband monitor is on.
/// </summary>
public sealed class SandboxedService : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    private SandboxedService(string connectionString, SandboxHost sandbox)
    {
        var webhookSecret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        AdminToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        Signer = new StandardWebhookVerifier(webhookSecret, TimeProvider.System);
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:EasyMo"] = connectionString,
            ["OpenAI:ApiKey"] = "sandbox",
            ["OpenAI:WebhookSecret"] = webhookSecret,
            ["OpenAI:BaseUrl"] = sandbox.OpenAiBaseUrl.ToString(),
            ["WhatsApp:GraphBaseUrl"] = sandbox.BaseUrl.ToString(),
            ["WhatsApp:AccessToken"] = "sandbox",
            ["WhatsApp:PhoneNumberId"] = "sandbox-number",
            ["WhatsApp:AppSecret"] = "sandbox-app-secret",
            ["WhatsApp:VerifyToken"] = "sandbox-verify-token",
            ["WhatsApp:MediaHosts:0"] = sandbox.BaseUrl.Host,
            ["WhatsApp:AllowPrivateMediaAddresses"] = "true",
            ["Admin:Token"] = AdminToken,
            ["Identity:AttestationKey"] = EdgeKey,
            ["Database:ApplyMigrations"] = "false",
            ["Sideband:Enabled"] = "true",
            ["Summaries:SweepInterval"] = "00:00:00.200",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
    }

    /// <summary>The key the SIP edge would sign with, as scripts/run.sh generates one into .local/dev.env.</summary>
    public const string EdgeKey = "sandbox-edge-key-0123456789abcdefghijklmnop";

    public string AdminToken { get; }

    public StandardWebhookVerifier Signer { get; }

    /// <summary>
    /// The service against the sandbox; <paramref name="runtime"/> as OPENAI_VOICE_RUNTIME (<c>realtime</c> or <c>live</c>);
    /// with <paramref name="callbacks"/>, calls back on as scripts/sandbox.sh turns them on, under a ceiling of
    /// <paramref name="maxLiveCalls"/> lines (0: none).
    /// </summary>
    public static async Task<SandboxedService> StartAsync(SandboxHost sandbox, string runtime = "realtime", bool callbacks = false, int maxLiveCalls = 0)
    {
        var service = new SandboxedService(await SharedDatabase.CreateMigratedDatabaseAsync(), sandbox);
        service._settings["OpenAI:VoiceRuntime"] = runtime;
        service._settings["Calls:MaxLiveCalls"] = maxLiveCalls.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (callbacks)
        {
            service._settings["Callbacks:Enabled"] = "true";
            service._settings["Callbacks:TrunkUrl"] = "sips:trunk.sandbox.example:5061";
            service._settings["Callbacks:TrunkUsername"] = "sandbox";
            service._settings["Callbacks:TrunkPassword"] = "sandbox-trunk-password";
            service._settings["Callbacks:CallerNumber"] = "+250788000111";
            service._settings["Callbacks:CallingHoursStart"] = "00:00";
            service._settings["Callbacks:CallingHoursEnd"] = "23:59:59.9999999";
            service._settings["Callbacks:SweepInterval"] = "00:00:00.200";
        }

        _ = service.Server; // start now, so that configuration errors surface here
        return service;
    }

    public HttpClient Admin()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    /// <summary>
    /// Posts a <c>realtime.call.incoming</c> signed as OpenAI signs it, for an INVITE the SIP edge admitted from a trunk
    /// (with its <c>X-EasyMo-Edge</c>), as scripts/try-call.sh does.
    /// </summary>
    public Task<HttpResponseMessage> PostCallIncomingAsync(string callId, string caller, string dialed = "+250788000111") =>
        PostIncomingAsync(callId, caller, dialed, live: false);

    /// <summary>The same call announced on GPT-Live: <c>live.transport.incoming</c> with <paramref name="sessionId"/>.</summary>
    public Task<HttpResponseMessage> PostLiveIncomingAsync(string sessionId, string caller, string dialed = "+250788000111") =>
        PostIncomingAsync(sessionId, caller, dialed, live: true);

    private async Task<HttpResponseMessage> PostIncomingAsync(string callId, string caller, string dialed, bool live)
    {
        var id = "wh_" + Guid.NewGuid().ToString("N");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var sipCallId = Guid.NewGuid().ToString();
        (string Name, string Value)[] headers =
        [
            ("From", $"<sip:{caller}@trunk.example>;tag=1"),
            ("To", $"<sip:{dialed}@sip.api.openai.com>"),
            ("Call-ID", sipCallId),
            (EdgeAttestation.HeaderName, EdgeAttestation.Sign(EdgeKey, "sandbox-trunk", timestamp, sipCallId, $"sip:{caller}@trunk.example", $"sip:{dialed}@sip.api.openai.com")),
        ];
        var at = DateTimeOffset.FromUnixTimeSeconds(timestamp);
        var body = live ? OpenAiWebhook.LiveIncoming(callId, headers, at, "evt_" + id) : OpenAiWebhook.CallIncoming(callId, headers, at, "evt_" + id);
        using var request = OpenAiWebhook.SignedRequest(body, Signer, id, timestamp);
        return await CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(_settings));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Npgsql.NpgsqlConnection.ClearAllPools();
    }
}
