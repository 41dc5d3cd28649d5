using EasyMo.Infrastructure.Configuration;

namespace EasyMo.IntegrationTests.Health;

/// <summary>Health routes and start-up configuration checks (contract §1–2).</summary>
public sealed class HealthAndStartupTests
{
    [Fact]
    public async Task Live_and_ready_are_200_on_a_migrated_database()
    {
        await using var app = await EasyMoApp.StartAsync();
        using var client = app.CreateClient();

        using var live = await client.GetAsync("/health/live", Ct);
        using var ready = await client.GetAsync("/health/ready", Ct);

        live.StatusCode.ShouldBe(HttpStatusCode.OK);
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ready.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString().ShouldBe("Healthy");
    }

    [Fact]
    public async Task Ready_is_503_when_the_database_does_not_answer()
    {
        await using var app = await EasyMoApp.StartAsync(connectionString: "Host=127.0.0.1;Port=1;Database=none;Username=postgres;Timeout=2");
        using var client = app.CreateClient();

        using var ready = await client.GetAsync("/health/ready", Ct);
        using var webhook = await app.PostWebhookAsync(Events.CarrierCall(Events.NewCallId(), Events.NewRwandanNumber()));

        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        webhook.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        app.OpenAi.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Migrations_are_applied_at_start_up_when_asked()
    {
        var empty = await SharedDatabase.CreateEmptyDatabaseAsync();
        await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?> { ["Database:ApplyMigrations"] = "true" }, empty);
        using var client = app.CreateClient();

        using var ready = await client.GetAsync("/health/ready", Ct);
        using var webhook = await app.PostWebhookAsync(Events.CarrierCall(Events.NewCallId(), Events.NewRwandanNumber()));

        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        webhook.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("OpenAI:WebhookSecret", null, "OPENAI_WEBHOOK_SECRET is required")]
    [InlineData("OpenAI:WebhookSecret", "whsec_", "OPENAI_WEBHOOK_SECRET is malformed")]
    [InlineData("OpenAI:WebhookSecret", "whsec_***not-base64***", "OPENAI_WEBHOOK_SECRET is malformed")]
    [InlineData("OpenAI:WebhookSecret", "a-raw-secret-that-the-sdks-would-take-as-utf8", "OPENAI_WEBHOOK_SECRET is malformed")]
    [InlineData("OpenAI:WebhookSecret", "whsec-of:23", "OPENAI_WEBHOOK_SECRET is too short")] // 23 bytes
    [InlineData("OpenAI:ApiKey", "", "OPENAI_API_KEY is required")]
    [InlineData("ConnectionStrings:EasyMo", "", "ConnectionStrings__EasyMo is required")]
    [InlineData("OpenAI:BaseUrl", "ftp://example.com", "OPENAI_BASE_URL must be an absolute http(s) URL")]
    [InlineData("Database:ApplyMigrations", "yes please", "EASYMO_APPLY_MIGRATIONS must be true or false")]
    public async Task A_missing_or_malformed_setting_stops_start_up_naming_the_variable(string key, string? value, string expected)
    {
        var exception = await Should.ThrowAsync<InvalidConfigurationException>(async () =>
        {
            await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?> { [key] = TestSecrets.Expand(value) });
        });

        exception.Problems.ShouldHaveSingleItem().ShouldStartWith(expected);
    }

    /// <summary>Everything a production deployment needs beyond the test host's defaults (a 32-character admin token among them).</summary>
    private static Dictionary<string, string?> SafeForProduction() => WithPrivacy("pseudonym-key-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Production_starts_with_every_requirement_met()
    {
        await using var app = await EasyMoApp.StartAsync(SafeForProduction(), environment: "Production");
        using var client = app.CreateClient();

        (await client.GetAsync("/health/live", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("Privacy:PseudonymKey", null, "Privacy__PseudonymKey is required outside Development, Testing and Sandbox")]
    [InlineData("Admin:Token", "replace-me", "EASYMO_ADMIN_TOKEN is a known placeholder")]
    [InlineData("Admin:Token", "0123456789abcdef0123456789abcde", "EASYMO_ADMIN_TOKEN is shorter than 32 characters")]
    [InlineData("Admin:ViewerTokens", "viewer-token-0123456789abcdef0123, changeme", "EASYMO_VIEWER_TOKENS (token 2 of 2) is a known placeholder")]
    [InlineData("Admin:OperatorTokens", "short-operator-token", "EASYMO_OPERATOR_TOKENS is shorter than 32 characters")]
    [InlineData("Admin:PrivacyTokens", "secret", "EASYMO_PRIVACY_TOKENS is a known placeholder")]
    [InlineData("OpenAI:BaseUrl", "http://api.openai.com/v1", "OPENAI_BASE_URL must be https outside Development, Testing and Sandbox")]
    [InlineData("WhatsApp:GraphBaseUrl", "http://graph.facebook.com", "WHATSAPP_GRAPH_BASE_URL must be https outside Development, Testing and Sandbox")]
    public async Task Production_refuses_to_start_unsafe_naming_the_one_problem(string key, string? value, string expected)
    {
        var exception = await Should.ThrowAsync<InvalidConfigurationException>(async () =>
        {
            await using var app = await EasyMoApp.StartAsync(SafeForProduction().With([(key, value)]), environment: "Production");
        });

        var problem = exception.Problems.ShouldHaveSingleItem();
        problem.ShouldStartWith(expected);
        if (value is not null)
        {
            problem.ShouldNotContain(value);
        }
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Testing")]
    [InlineData("Sandbox")] // scripts/sandbox.sh: local stand-ins, never a deployment
    public async Task Development_Testing_and_Sandbox_start_with_a_dev_token_no_pseudonym_key_and_an_http_peer(string environment)
    {
        await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?>
        {
            ["Admin:Token"] = "dev",
            ["Privacy:PseudonymKey"] = null,
            ["WhatsApp:GraphBaseUrl"] = "http://graph.stand-in.example",
        }, environment: environment);
        using var client = app.CreateClient();

        (await client.GetAsync("/health/live", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("whsec_***not-base64***", "2030-01-01T00:00:00Z", "OPENAI_WEBHOOK_SECRET_PREVIOUS is malformed")]
    [InlineData("whsec-of:23", "2030-01-01T00:00:00Z", "OPENAI_WEBHOOK_SECRET_PREVIOUS is too short")]
    [InlineData("whsec-of:32", null, "OPENAI_WEBHOOK_SECRET_PREVIOUS needs an end")]
    [InlineData("whsec-of:32", "next week", "OpenAI:PreviousWebhookSecretUntil (OpenAI__PreviousWebhookSecretUntil) must be an ISO-8601 instant")]
    public async Task A_previous_webhook_secret_that_is_malformed_or_has_no_end_stops_start_up(string previous, string? until, string expected)
    {
        var exception = await Should.ThrowAsync<InvalidConfigurationException>(async () =>
        {
            await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?>
            {
                ["OpenAI:PreviousWebhookSecret"] = TestSecrets.Expand(previous),
                ["OpenAI:PreviousWebhookSecretUntil"] = until,
            });
        });

        exception.Problems.ShouldHaveSingleItem().ShouldStartWith(expected);
    }

    [Theory]
    [InlineData("Production", true)]
    [InlineData("Staging", true)]
    [InlineData("Testing", false)]
    [InlineData("Sandbox", false)]
    public async Task Private_media_addresses_stop_start_up_in_every_strict_environment(string environment, bool refused)
    {
        // The test kit's own setting (its fake Graph serves media on 127.0.0.1) is for tests and the sandbox, never a
        // deployment: refused wherever the production requirements apply (Staging too), otherwise safe for production.
        var exception = await Record.ExceptionAsync(async () =>
        {
            await using var app = await EasyMoApp.StartAsync(
                SafeForProduction().With([("WhatsApp:AllowPrivateMediaAddresses", "true")]), environment: environment);
            using var client = app.CreateClient();
            using var live = await client.GetAsync("/health/live", Ct);
        });

        if (refused)
        {
            exception.ShouldBeOfType<InvalidConfigurationException>().Problems.ShouldHaveSingleItem()
                .ShouldStartWith("WhatsApp__AllowPrivateMediaAddresses=true is refused outside Development, Testing and Sandbox");
        }
        else
        {
            exception.ShouldBeNull();
        }
    }

    [Fact]
    public async Task Several_problems_are_reported_together_one_line_each()
    {
        var exception = await Should.ThrowAsync<InvalidConfigurationException>(async () =>
        {
            await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?>
            {
                ["OpenAI:WebhookSecret"] = null,
                ["OpenAI:ApiKey"] = null,
            });
        });

        exception.Problems.Count.ShouldBe(2);
        exception.Message.Split('\n').Length.ShouldBe(3);
    }

    [Fact]
    public async Task A_DATABASE_URL_in_postgres_form_is_understood()
    {
        var connectionString = await SharedDatabase.CreateMigratedDatabaseAsync();
        var parts = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var url = $"postgres://{parts.Username}@{parts.Host}:{parts.Port}/{parts.Database}";
        await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:EasyMo"] = null,
            ["DATABASE_URL"] = url,
        }, connectionString);
        using var client = app.CreateClient();

        (await client.GetAsync("/health/ready", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
