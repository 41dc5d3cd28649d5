using EasyMo.Application.Features.Calls;
using EasyMo.Infrastructure.OpenAi;
using Microsoft.Extensions.Configuration;

namespace EasyMo.Infrastructure.Configuration;

/// <summary>
/// The environment variables of the original deployment, mapped to .NET configuration keys so that an existing
/// deployment's secrets work unchanged. Added after appsettings, so the environment wins.
/// </summary>
public static class EnvironmentAliases
{
    public static IReadOnlyDictionary<string, string> Keys { get; } = new Dictionary<string, string>
    {
        ["OPENAI_API_KEY"] = "OpenAI:ApiKey",
        ["OPENAI_WEBHOOK_SECRET"] = "OpenAI:WebhookSecret",
        [StandardWebhookVerifier.PreviousSecretVariable] = StandardWebhookVerifier.PreviousSecretKey,
        ["OPENAI_PROJECT_ID"] = "OpenAI:ProjectId",
        ["OPENAI_ORG_ID"] = "OpenAI:OrganizationId",
        ["OPENAI_REALTIME_MODEL"] = "OpenAI:RealtimeModel",
        ["OPENAI_REALTIME_VOICE"] = "OpenAI:RealtimeVoice",
        ["OPENAI_VOICE_RUNTIME"] = "OpenAI:VoiceRuntime",
        ["OPENAI_LIVE_MODEL"] = "OpenAI:LiveModel",
        ["OPENAI_LIVE_VOICE"] = "OpenAI:LiveVoice",
        ["OPENAI_LIVE_BACKEND_MODEL"] = "OpenAI:LiveBackendModel",
        ["OPENAI_BASE_URL"] = "OpenAI:BaseUrl",
        ["WHATSAPP_ACCESS_TOKEN"] = "WhatsApp:AccessToken",
        ["WHATSAPP_PHONE_NUMBER_ID"] = "WhatsApp:PhoneNumberId",
        ["WHATSAPP_APP_SECRET"] = "WhatsApp:AppSecret",
        ["WHATSAPP_VERIFY_TOKEN"] = "WhatsApp:VerifyToken",
        ["WHATSAPP_GRAPH_BASE_URL"] = "WhatsApp:GraphBaseUrl",
        ["WHATSAPP_API_VERSION"] = "WhatsApp:ApiVersion",
        ["EASYMO_ADMIN_TOKEN"] = "Admin:Token",
        ["EASYMO_VIEWER_TOKENS"] = "Admin:ViewerTokens",
        ["EASYMO_OPERATOR_TOKENS"] = "Admin:OperatorTokens",
        ["EASYMO_PRIVACY_TOKENS"] = "Admin:PrivacyTokens",
        ["EASYMO_CALLBACKS_ENABLED"] = "Callbacks:Enabled",
        ["EASYMO_CALLBACK_TRUNK_URL"] = "Callbacks:TrunkUrl",
        ["EASYMO_CALLBACK_TRUNK_USERNAME"] = "Callbacks:TrunkUsername",
        ["EASYMO_CALLBACK_TRUNK_PASSWORD"] = "Callbacks:TrunkPassword",
        ["EASYMO_CALLBACK_CALLER_NUMBER"] = "Callbacks:CallerNumber",
        ["EASYMO_APPLY_MIGRATIONS"] = "Database:ApplyMigrations",
        [ManagementUrls.Variable] = ManagementUrls.Key,
        [CallerIdentityOptions.AttestationKeyVariable] = CallerIdentityOptions.AttestationKeyKey,
        [CallerIdentityOptions.UnverifiedCallersVariable] = CallerIdentityOptions.UnverifiedCallersKey,
    };

    /// <summary>Adds the aliased variables that are set in this process's environment.</summary>
    public static IConfigurationBuilder AddEnvironmentAliases(this IConfigurationBuilder configuration)
    {
        var values = new Dictionary<string, string?>();
        foreach (var (variable, key) in Keys)
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
            {
                values[key] = value;
            }
        }

        return configuration.AddInMemoryCollection(values);
    }

    /// <summary>The variable to name in a message about <paramref name="key"/>.</summary>
    public static string VariableFor(string key) =>
        Keys.FirstOrDefault(pair => pair.Value.Equals(key, StringComparison.OrdinalIgnoreCase)).Key ?? key.Replace(":", "__", StringComparison.Ordinal);
}
