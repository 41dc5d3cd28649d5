using System.Security.Cryptography;

namespace EasyMo.IntegrationTests.Cli;

/// <summary><c>doctor</c>: one line per check, exit 1 when any fails, never a secret.</summary>
public sealed class DoctorCommandTests : IAsyncLifetime
{
    private FakeOpenAi _openAi = null!;
    private readonly string _apiKey = "sk-test-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    public async ValueTask InitializeAsync()
    {
        _openAi = await FakeOpenAi.StartAsync();
        _openAi.ModelsKey = _apiKey;
    }

    public async ValueTask DisposeAsync() => await _openAi.DisposeAsync();

    [Fact]
    public async Task With_a_good_database_and_OpenAI_every_check_is_ok()
    {
        var settings = await SettingsAsync();

        var result = await Cli.RunAsync(settings, "doctor");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldContain("ok   configuration");
        result.Out.ShouldContain("ok   database");
        result.Out.ShouldContain("ok   migrations: none pending");
        result.Out.ShouldContain("ok   openai");
        result.Out.ShouldContain("warn whatsapp: not configured");
        result.Out.Split('\n').ShouldNotContain(line => line.StartsWith("FAIL", StringComparison.Ordinal));
        result.All.ShouldNotContain(_apiKey);
    }

    [Fact]
    public async Task Without_an_attestation_key_or_with_trust_it_warns_about_caller_identity_and_still_passes()
    {
        var settings = await SettingsAsync();

        var none = await Cli.RunAsync(settings, "doctor");
        none.ExitCode.ShouldBe(0, none.ToString());
        none.Out.ShouldContain("warn identity: SIP_EDGE_ATTESTATION_KEY is not set: no call can be verified");

        settings["Identity:AttestationKey"] = Events.EdgeKey;
        settings["Identity:UnverifiedCallers"] = "trust";
        var trust = await Cli.RunAsync(settings, "doctor");
        trust.ExitCode.ShouldBe(0, trust.ToString());
        trust.Out.ShouldContain("ok   identity: 1 attestation key(s) configured; unverified callers: trust");
        trust.Out.ShouldContain("warn identity: EASYMO_UNVERIFIED_CALLERS=trust");
        trust.All.ShouldNotContain(Events.EdgeKey);

        settings["Identity:UnverifiedCallers"] = "sometimes";
        var bad = await Cli.RunAsync(settings, "doctor");
        bad.ExitCode.ShouldBe(1, bad.ToString());
        bad.Out.ShouldContain("FAIL configuration: EASYMO_UNVERIFIED_CALLERS must be one of anonymous, reject, trust");
    }

    [Fact]
    public async Task It_says_whether_busy_callers_are_called_back_names_the_trunk_and_never_its_password()
    {
        var settings = await SettingsAsync();

        var off = await Cli.RunAsync(settings, "doctor");
        off.Out.ShouldContain("ok   callbacks: off");

        var password = "pw-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        foreach (var (key, value) in WithCallbacks(password))
        {
            settings[key] = value;
        }

        settings["Sideband:Enabled"] = "false";
        var on = await Cli.RunAsync(settings, "doctor");
        on.ExitCode.ShouldBe(0, on.ToString());
        on.Out.ShouldContain("ok   callbacks: on: placed through GPT-Live via sips:trunk.example.net:5061");
        on.Out.ShouldContain("warn callbacks: Sideband__Enabled=false");
        on.All.ShouldNotContain(password);

        settings["Callbacks:TrunkUrl"] = "sip:trunk.example.net"; // plaintext SIP: OpenAI refuses it
        settings["Callbacks:CallerNumber"] = "0788000111";
        var bad = await Cli.RunAsync(settings, "doctor");
        bad.ExitCode.ShouldBe(1, bad.ToString());
        bad.Out.ShouldContain("FAIL configuration: Callbacks:TrunkUrl (EASYMO_CALLBACK_TRUNK_URL) must be the carrier trunk as sips:");
        bad.Out.ShouldContain("FAIL configuration: Callbacks:CallerNumber (EASYMO_CALLBACK_CALLER_NUMBER) must be the E.164 number");
        bad.All.ShouldNotContain(password);
    }

    [Fact]
    public async Task It_warns_when_only_the_other_runtimes_incoming_calls_arrive()
    {
        // The service answers on Realtime (the default); OpenAI delivers only GPT-Live's events, which it acknowledges.
        await using var app = await EasyMoApp.StartAsync(openAi: _openAi);
        (await app.PostWebhookAsync(Events.LiveIncoming(Events.NewSessionId(), Events.InviteHeaders("+250788123456", Guid.NewGuid().ToString())))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var settings = await SettingsAsync();
        settings["ConnectionStrings:EasyMo"] = app.ConnectionString;

        var mismatched = await Cli.RunAsync(settings, "doctor");

        mismatched.ExitCode.ShouldBe(0, mismatched.ToString()); // a warning: the service runs
        mismatched.Out.ShouldContain("warn runtime: OPENAI_VOICE_RUNTIME=realtime, but the last 24 h brought only live.transport.incoming (1)");

        settings["OpenAI:VoiceRuntime"] = "live";
        var matched = await Cli.RunAsync(settings, "doctor");
        matched.Out.ShouldContain("ok   runtime: OPENAI_VOICE_RUNTIME=live: 1 incoming call(s) of that runtime in 24 h, 0 of the other acknowledged");
    }

    [Fact]
    public async Task An_unreachable_database_fails_and_is_named()
    {
        var settings = await SettingsAsync();
        settings["ConnectionStrings:EasyMo"] = "Host=127.0.0.1;Port=1;Database=gone;Username=nobody;Password=hunter2;Timeout=2";

        var result = await Cli.RunAsync(settings, "doctor");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Out.ShouldContain("FAIL database: 127.0.0.1:1/gone unreachable");
        result.Out.ShouldContain("ok   openai");
        result.All.ShouldNotContain("hunter2");
        result.ShouldHaveNoStackTrace();
    }

    [Fact]
    public async Task Pending_migrations_fail_with_what_to_run()
    {
        var settings = await SettingsAsync(await SharedDatabase.CreateEmptyDatabaseAsync());

        var result = await Cli.RunAsync(settings, "doctor");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Out.ShouldContain("ok   database");
        result.Out.ShouldContain("FAIL migrations");
        result.Out.ShouldContain("migrate");
    }

    [Fact]
    public async Task A_refused_key_fails_without_printing_it()
    {
        var settings = await SettingsAsync();
        var wrongKey = "sk-wrong-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        settings["OpenAI:ApiKey"] = wrongKey;

        var result = await Cli.RunAsync(settings, "doctor");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Out.ShouldContain("FAIL openai");
        result.Out.ShouldContain("401");
        result.All.ShouldNotContain(wrongKey);
    }

    [Fact]
    public async Task The_Graph_API_is_checked_when_WhatsApp_is_configured()
    {
        await using var graph = await FakeGraph.StartAsync();
        var token = Cli.NewToken();
        graph.PhoneNumberToken = token;
        var settings = await SettingsAsync();
        settings.With(Cli.WhatsApp(graph, token));

        settings["WhatsApp:AppSecret"] = "app-secret-" + Guid.NewGuid().ToString("N");
        settings["WhatsApp:VerifyToken"] = "verify";

        var ok = await Cli.RunAsync(settings, "doctor");
        ok.ExitCode.ShouldBe(0, ok.ToString());
        ok.Out.ShouldContain("ok   whatsapp");
        ok.All.ShouldNotContain(token);

        graph.PhoneNumberToken = Cli.NewToken();
        var refused = await Cli.RunAsync(settings, "doctor");
        refused.ExitCode.ShouldBe(1, refused.ToString());
        refused.Out.ShouldContain("FAIL whatsapp");
        refused.Out.ShouldContain("WHATSAPP_ACCESS_TOKEN");
        refused.All.ShouldNotContain(token);
    }

    [Fact]
    public async Task Missing_configuration_is_named_on_a_line_of_its_own()
    {
        var settings = await SettingsAsync();
        settings["OpenAI:WebhookSecret"] = string.Empty;

        var result = await Cli.RunAsync(settings, "doctor");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Out.Split('\n').ShouldContain(line => line.StartsWith("FAIL configuration: OPENAI_WEBHOOK_SECRET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_production_it_fails_on_what_start_up_refuses_one_line_each_and_in_development_it_does_not()
    {
        var settings = await SettingsAsync();
        settings["Privacy:PseudonymKey"] = null;
        settings["Admin:Token"] = "replace-me";
        settings["WhatsApp:GraphBaseUrl"] = "http://graph.facebook.com";

        var production = await Cli.RunInAsync("Production", settings, "doctor");

        production.ExitCode.ShouldBe(1, production.ToString());
        var failures = production.Out.Split('\n').Where(line => line.StartsWith("FAIL configuration: ", StringComparison.Ordinal)).ToArray();
        failures.Length.ShouldBe(3, production.ToString());
        failures.ShouldContain(line => line.StartsWith("FAIL configuration: Privacy__PseudonymKey is required outside Development, Testing and Sandbox", StringComparison.Ordinal));
        failures.ShouldContain(line => line.StartsWith("FAIL configuration: EASYMO_ADMIN_TOKEN is a known placeholder", StringComparison.Ordinal));
        failures.ShouldContain(line => line.StartsWith("FAIL configuration: WHATSAPP_GRAPH_BASE_URL must be https outside Development, Testing and Sandbox", StringComparison.Ordinal));
        production.All.ShouldNotContain("replace-me");

        var development = await Cli.RunInAsync("Development", settings, "doctor");

        development.Out.ShouldContain("ok   configuration: every required setting is present and well-formed (Development: what production requires is not checked)");
        development.Out.ShouldNotContain("FAIL configuration");
    }

    [Fact]
    public async Task A_good_production_configuration_is_said_to_be_safe_to_expose()
    {
        var settings = await SettingsAsync();
        settings["Admin:Token"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var result = await Cli.RunInAsync("Production", settings, "doctor");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldContain("ok   configuration: every required setting is present and well-formed, and safe to expose (Production)");
    }

    private async Task<Dictionary<string, string?>> SettingsAsync(string? connectionString = null) => new()
    {
        ["ConnectionStrings:EasyMo"] = connectionString ?? await SharedDatabase.CreateMigratedDatabaseAsync(),
        ["DATABASE_URL"] = string.Empty,
        ["OpenAI:ApiKey"] = _apiKey,
        ["OpenAI:WebhookSecret"] = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["OpenAI:BaseUrl"] = _openAi.BaseUrl.ToString(),
        ["Privacy:PseudonymKey"] = "pseudonym-key-" + Guid.NewGuid().ToString("N"), // required in Production, the tool's default
        ["Database:ApplyMigrations"] = "false",
        ["WhatsApp:AccessToken"] = string.Empty,
        ["WhatsApp:PhoneNumberId"] = string.Empty,
        ["WhatsApp:AppSecret"] = string.Empty,
        ["WhatsApp:VerifyToken"] = string.Empty,
    };
}
