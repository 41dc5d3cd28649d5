using EasyMo.Testing;
using EasyMo.Infrastructure.Configuration;
using EasyMo.WebApi.Security;
using Microsoft.Extensions.Configuration;

namespace EasyMo.UnitTests.Configuration;

/// <summary>What start-up requires outside Development, Testing and Sandbox (review M4, M5, L12): one line per problem, no value printed.</summary>
public sealed class ProductionRequirementsTests
{
    private const string GoodToken = "kQ2v7Yt0Jx9WcN4pLr8Zs1Hd6Fb3Ug5M";
    private const string OtherGoodToken = "c0ffee4d1a9e57b2d8f6a13e9b7c5d20";

    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["ConnectionStrings:EasyMo"] = "Host=db.internal;Database=easymo;Username=easymo",
        ["OpenAI:ApiKey"] = "sk-live",
        ["OpenAI:WebhookSecret"] = "whsec_RdvaYFYUXuIFuEbvZHwMfYFhUf7aMYjYcmM24+Aj40c=",
        ["Privacy:PseudonymKey"] = "pseudonym-key-0123456789abcdefghijkl",
        ["Admin:Token"] = GoodToken,
    };

    private static IReadOnlyList<string> Validate(string environment, params (string Key, string? Value)[] settings) =>
        StartupConfiguration.Validate(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(Valid).With(settings)).Build(), environment);

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("production")]
    [InlineData("Demo")]
    public void Every_environment_but_Development_Testing_and_Sandbox_is_strict(string environment)
    {
        StartupConfiguration.IsStrict(environment).ShouldBeTrue();
        Validate(environment).ShouldBeEmpty();
        Validate(environment, ("Privacy:PseudonymKey", null)).ShouldHaveSingleItem().ShouldStartWith("Privacy__PseudonymKey is required outside Development, Testing and Sandbox");
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Testing")]
    [InlineData("development")]
    [InlineData("Sandbox")] // scripts/sandbox.sh: local stand-ins, never a deployment
    public void Development_Testing_and_Sandbox_run_with_a_dev_token_no_pseudonym_key_and_http_peers(string environment)
    {
        StartupConfiguration.IsStrict(environment).ShouldBeFalse();
        Validate(environment,
            ("Admin:Token", "dev"),
            ("Privacy:PseudonymKey", null),
            ("OpenAI:BaseUrl", "http://openai.stand-in.example/v1"),
            ("WhatsApp:GraphBaseUrl", "http://graph.stand-in.example")).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Admin:Token", "replace-me", "EASYMO_ADMIN_TOKEN is a known placeholder")]
    [InlineData("Admin:Token", "changeme", "EASYMO_ADMIN_TOKEN is a known placeholder")]
    [InlineData("Admin:Token", "bench-admin-token", "EASYMO_ADMIN_TOKEN is a known placeholder")]
    [InlineData("Admin:Token", "REPLACE-ME-with-a-long-random-token-please", "EASYMO_ADMIN_TOKEN is a known placeholder")]
    [InlineData("Admin:Token", "admin-token-secret-password-test-2026", "EASYMO_ADMIN_TOKEN is a known placeholder")]
    [InlineData("Admin:Token", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "EASYMO_ADMIN_TOKEN is a known placeholder")]
    [InlineData("Admin:Token", "kQ2v7Yt0Jx9WcN4pLr8Zs1Hd6Fb3Ug5", "EASYMO_ADMIN_TOKEN is shorter than 32 characters")]
    [InlineData("Admin:ViewerTokens", "tooshort", "EASYMO_VIEWER_TOKENS is shorter than 32 characters")]
    [InlineData("Admin:ViewerTokens", GoodToken + ", tooshort", "EASYMO_VIEWER_TOKENS (token 2 of 2) is shorter than 32 characters")]
    [InlineData("Admin:OperatorTokens", "secret," + GoodToken, "EASYMO_OPERATOR_TOKENS (token 1 of 2) is a known placeholder")]
    [InlineData("Admin:PrivacyTokens", "password", "EASYMO_PRIVACY_TOKENS is a known placeholder")]
    [InlineData("Privacy:PseudonymKey", "", "Privacy__PseudonymKey is required outside Development, Testing and Sandbox")]
    [InlineData("OpenAI:BaseUrl", "http://api.openai.com/v1", "OPENAI_BASE_URL must be https outside Development, Testing and Sandbox")]
    [InlineData("WhatsApp:GraphBaseUrl", "http://graph.facebook.com", "WHATSAPP_GRAPH_BASE_URL must be https outside Development, Testing and Sandbox")]
    public void Production_refuses_each_unsafe_setting_on_a_line_of_its_own(string key, string value, string expected)
    {
        var problem = Validate("Production", (key, value)).ShouldHaveSingleItem();

        problem.ShouldStartWith(expected);
        if (value.Length > 0)
        {
            problem.ShouldNotContain(value); // a token is never printed, even a weak one
        }
    }

    [Fact]
    public void A_token_list_with_several_weak_tokens_gives_a_line_for_each()
    {
        var problems = Validate("Production", ("Admin:Token", "test"), ("Admin:ViewerTokens", $"{GoodToken},admin,, {OtherGoodToken} ,short"));

        problems.ShouldBe(
        [
            "EASYMO_ADMIN_TOKEN is a known placeholder: operators' tokens read transcripts, export and erase callers; generate one with openssl rand -base64 32.",
            "EASYMO_VIEWER_TOKENS (token 2 of 4) is a known placeholder: operators' tokens read transcripts, export and erase callers; generate one with openssl rand -base64 32.",
            "EASYMO_VIEWER_TOKENS (token 4 of 4) is shorter than 32 characters: operators' tokens read transcripts, export and erase callers; generate one with openssl rand -base64 32.",
        ]);
    }

    [Fact]
    public void The_admin_token_is_one_token_even_with_a_comma_as_the_service_authenticates_it()
    {
        // OperatorTokens never splits Admin:Token: "long,short" is one long token, not a short one to refuse.
        Validate("Production", ("Admin:Token", GoodToken + ",x")).ShouldBeEmpty();
        Validate("Production", ("Admin:Token", "x," + GoodToken)).ShouldBeEmpty();
    }

    [Fact]
    public void The_tokens_checked_are_exactly_the_tokens_the_service_authenticates()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Admin:Token"] = "  with,comma-" + GoodToken + " ",
            ["Admin:ViewerTokens"] = $"{GoodToken},, {OtherGoodToken} ,short",
            ["Admin:OperatorTokens"] = " ",
            ["Admin:PrivacyTokens"] = OtherGoodToken,
        }).Build();
        var options = configuration.GetSection(AdminOptions.SectionName).Get<AdminOptions>()!;

        var checkedHere = ProductionRequirements.TokenKeys
            .SelectMany(entry => ProductionRequirements.Tokens(configuration, entry.Key).Select(token => (entry.Key, token)));

        checkedHere.ShouldBe(OperatorTokens.Configured(options));
        ProductionRequirements.TokenKeys.Select(entry => EnvironmentAliases.Keys[entry.Variable])
            .ShouldBe(ProductionRequirements.TokenKeys.Select(entry => entry.Key)); // each variable names its key
    }

    [Fact]
    public void Without_any_operator_token_production_starts_and_refuses_every_api_request() =>
        Validate("Production", ("Admin:Token", null)).ShouldBeEmpty();

    [Theory]
    [InlineData("http://127.0.0.1:8090/v1")]
    [InlineData("http://localhost:8090/v1")]
    [InlineData("http://[::1]:8090/v1")]
    public void Http_to_a_loopback_address_stays_on_the_machine_and_is_allowed(string url) =>
        Validate("Production", ("OpenAI:BaseUrl", url), ("WhatsApp:GraphBaseUrl", url)).ShouldBeEmpty();

    [Fact]
    public void An_http_collector_is_refused_only_when_credentials_would_go_to_it()
    {
        Validate("Production", ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector:4317")).ShouldBeEmpty();
        Validate("Production", ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector:4317"), ("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=k"))
            .ShouldHaveSingleItem().ShouldStartWith("OTEL_EXPORTER_OTLP_ENDPOINT must be https outside Development, Testing and Sandbox when OTEL_EXPORTER_OTLP_HEADERS is set");
        Validate("Production", ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://otel.example.com"), ("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=k")).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Testing")]
    public void The_webhook_secret_is_whsec_and_at_least_24_bytes_everywhere(string environment)
    {
        Validate(environment, ("OpenAI:WebhookSecret", TestSecrets.Whsec(23))).ShouldHaveSingleItem()
            .ShouldStartWith("OPENAI_WEBHOOK_SECRET is too short: whsec_ must be followed by the base64 of at least 24 bytes");
        Validate(environment, ("OpenAI:WebhookSecret", "a-raw-secret-the-sdks-would-take-as-utf8")).ShouldHaveSingleItem()
            .ShouldStartWith("OPENAI_WEBHOOK_SECRET is malformed");
    }

    [Theory]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null, "OPENAI_WEBHOOK_SECRET_PREVIOUS needs an end: set OpenAI:PreviousWebhookSecretUntil")]
    [InlineData("whsec_%%%", "2026-12-01T12:00:00Z", "OPENAI_WEBHOOK_SECRET_PREVIOUS is malformed")]
    [InlineData("whsec-of:23", "2026-12-01T12:00:00Z", "OPENAI_WEBHOOK_SECRET_PREVIOUS is too short")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "2026-12-01 12:00", "OpenAI:PreviousWebhookSecretUntil (OpenAI__PreviousWebhookSecretUntil) must be an ISO-8601 instant")]
    public void A_previous_webhook_secret_is_well_formed_and_has_an_end_in_every_environment(string previous, string? until, string expected)
    {
        foreach (var environment in new[] { "Production", "Development" })
        {
            Validate(environment, ("OpenAI:PreviousWebhookSecret", TestSecrets.Expand(previous)), ("OpenAI:PreviousWebhookSecretUntil", until))
                .ShouldHaveSingleItem().ShouldStartWith(expected);
        }
    }

    [Fact]
    public void A_previous_webhook_secret_whose_end_has_passed_still_starts()
    {
        // Nothing unsafe: the verifier refuses it by then. A restart the day after a rotation must not fail.
        Validate("Production", ("OpenAI:PreviousWebhookSecret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), ("OpenAI:PreviousWebhookSecretUntil", "2020-01-01T00:00:00Z"))
            .ShouldBeEmpty();
    }

    [Theory]
    [InlineData("replace-me", true)]
    [InlineData("Change_Me", true)]
    [InlineData("a-token-from-the-example-config", true)]
    [InlineData("TestTestTestTestTestTestTestTest", true)]
    [InlineData("--------------------------------", true)]
    [InlineData("12345678901234567890123456789012", false)] // digits alone may be a random number; its length is checked
    [InlineData("kQ2v7Yt0Jx9WcN4pLr8Zs1Hd6Fb3Ug5M", false)]
    [InlineData("c0ffee4d1a9e57b2d8f6a13e9b7c5d20", false)]
    [InlineData("correct horse battery staple, twice over", false)]
    public void Placeholders_are_example_words_not_strings_that_happen_to_contain_a_letter_of_them(string token, bool placeholder) =>
        ProductionRequirements.IsPlaceholder(token).ShouldBe(placeholder);
}

file static class SettingsExtensions
{
    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, IEnumerable<(string Key, string? Value)> overrides)
    {
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }
}
