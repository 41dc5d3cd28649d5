using Microsoft.Extensions.Configuration;
using EasyMo.Infrastructure.Configuration;

namespace EasyMo.UnitTests.Configuration;

public sealed class EnvironmentAliasesTests
{
    [Fact]
    public void The_original_variable_names_reach_their_configuration_keys_and_win_over_appsettings()
    {
        const string variable = "OPENAI_REALTIME_VOICE";
        var before = Environment.GetEnvironmentVariable(variable);
        Environment.SetEnvironmentVariable(variable, "marin");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["OpenAI:RealtimeVoice"] = "alloy" })
                .AddEnvironmentAliases()
                .Build();

            configuration["OpenAI:RealtimeVoice"].ShouldBe("marin");
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, before);
        }
    }

    [Fact]
    public void Every_contract_variable_has_a_key() =>
        EnvironmentAliases.Keys.Keys.ShouldBe(
        [
            "OPENAI_API_KEY", "OPENAI_WEBHOOK_SECRET", "OPENAI_WEBHOOK_SECRET_PREVIOUS", "OPENAI_PROJECT_ID", "OPENAI_ORG_ID", "OPENAI_REALTIME_MODEL",
            "OPENAI_REALTIME_VOICE", "OPENAI_VOICE_RUNTIME", "OPENAI_LIVE_MODEL", "OPENAI_LIVE_VOICE", "OPENAI_LIVE_BACKEND_MODEL", "OPENAI_BASE_URL", "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID",
            "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_GRAPH_BASE_URL", "WHATSAPP_API_VERSION",
            "EASYMO_ADMIN_TOKEN", "EASYMO_VIEWER_TOKENS", "EASYMO_OPERATOR_TOKENS", "EASYMO_PRIVACY_TOKENS", "EASYMO_APPLY_MIGRATIONS", "SIP_EDGE_ATTESTATION_KEY", "EASYMO_UNVERIFIED_CALLERS",
            "EASYMO_MANAGEMENT_URLS",
            // Calls back (not in the contract's list: the service's own, for GPT-Live's outbound calling).
            "EASYMO_CALLBACKS_ENABLED", "EASYMO_CALLBACK_TRUNK_URL", "EASYMO_CALLBACK_TRUNK_USERNAME", "EASYMO_CALLBACK_TRUNK_PASSWORD",
            "EASYMO_CALLBACK_CALLER_NUMBER",
        ],
        ignoreOrder: true);

    [Fact]
    public void Messages_name_the_variable_of_a_key() => EnvironmentAliases.VariableFor("OpenAI:WebhookSecret").ShouldBe("OPENAI_WEBHOOK_SECRET");

    [Theory]
    [InlineData("Identity:AttestationKey", "SIP_EDGE_ATTESTATION_KEY")]
    [InlineData("Identity:UnverifiedCallers", "EASYMO_UNVERIFIED_CALLERS")]
    [InlineData("Management:Urls", "EASYMO_MANAGEMENT_URLS")]
    public void The_identity_and_management_variables_map_to_their_sections(string key, string variable)
    {
        EnvironmentAliases.Keys[variable].ShouldBe(key);
        EnvironmentAliases.VariableFor(key).ShouldBe(variable);
    }
}
