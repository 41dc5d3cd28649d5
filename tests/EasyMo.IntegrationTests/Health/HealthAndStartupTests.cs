using EasyMo.Infrastructure.Configuration;
using Microsoft.AspNetCore.Hosting;

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
    [InlineData("OpenAI:ApiKey", "", "OPENAI_API_KEY is required")]
    [InlineData("ConnectionStrings:EasyMo", "", "ConnectionStrings__EasyMo is required")]
    [InlineData("OpenAI:BaseUrl", "ftp://example.com", "OPENAI_BASE_URL must be an absolute http(s) URL")]
    [InlineData("Database:ApplyMigrations", "yes please", "EASYMO_APPLY_MIGRATIONS must be true or false")]
    public async Task A_missing_or_malformed_setting_stops_start_up_naming_the_variable(string key, string? value, string expected)
    {
        var exception = await Should.ThrowAsync<InvalidConfigurationException>(async () =>
        {
            await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?> { [key] = value });
        });

        exception.Problems.ShouldHaveSingleItem().ShouldStartWith(expected);
    }

    [Theory]
    [InlineData("Production", true)]
    [InlineData("Testing", false)]
    public async Task Private_media_addresses_stop_start_up_in_Production_only(string environment, bool refused)
    {
        // The test kit's own setting (its fake Graph serves media on 127.0.0.1) is for tests and the sandbox, never Production.
        await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?> { ["WhatsApp:AllowPrivateMediaAddresses"] = "true" });
        await using var host = app.WithWebHostBuilder(builder => builder.UseEnvironment(environment));

        var exception = await Record.ExceptionAsync(async () =>
        {
            using var client = host.CreateClient();
            using var live = await client.GetAsync("/health/live", Ct);
        });

        if (refused)
        {
            exception.ShouldBeOfType<InvalidConfigurationException>().Problems.ShouldHaveSingleItem()
                .ShouldStartWith("WhatsApp__AllowPrivateMediaAddresses=true is refused in Production");
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
