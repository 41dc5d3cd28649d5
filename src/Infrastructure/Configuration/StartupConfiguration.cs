using EasyMo.Application.Features.Callbacks;
using EasyMo.Application.Features.Calls;
using EasyMo.Infrastructure.OpenAi;
using EasyMo.Infrastructure.Persistence;
using EasyMo.Infrastructure.WhatsApp;
using Microsoft.Extensions.Configuration;

namespace EasyMo.Infrastructure.Configuration;

/// <summary>Checks the configuration once at start-up and names every problem on a line of its own.</summary>
public static class StartupConfiguration
{
    private static readonly string[] WhatsAppKeys = ["WhatsApp:AccessToken", "WhatsApp:PhoneNumberId", "WhatsApp:AppSecret", "WhatsApp:VerifyToken"];

    private static readonly (string Key, string Purpose)[] WhatsAppWebhookKeys =
    [
        ("WhatsApp:AppSecret", "the Meta app secret that signs X-Hub-Signature-256; without it every WhatsApp webhook is refused"),
        ("WhatsApp:VerifyToken", "the hub.verify_token of Meta's webhook subscription handshake"),
    ];

    /// <summary>The environment a host runs in when none is named (as ASP.NET Core's <c>Environments.Production</c>).</summary>
    public const string ProductionEnvironment = "Production";

    /// <summary>
    /// Every problem of <paramref name="configuration"/> for a service running in <paramref name="environmentName"/>
    /// (<c>ASPNETCORE_ENVIRONMENT</c>; Production, the strictest, when not given).
    /// </summary>
    public static IReadOnlyList<string> Validate(IConfiguration configuration, string environmentName = ProductionEnvironment)
    {
        var problems = new List<string>();

        if (DatabaseConnection.Resolve(configuration) is null)
        {
            problems.Add("ConnectionStrings__EasyMo is required: an Npgsql connection string (or DATABASE_URL as postgres://user:password@host:port/database).");
        }
        else
        {
            try
            {
                _ = DatabaseConnection.Normalize(DatabaseConnection.Resolve(configuration)!);
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException or UriFormatException)
            {
                problems.Add("ConnectionStrings__EasyMo is not a valid Npgsql connection string or postgres:// URL.");
            }
        }

        if (string.IsNullOrWhiteSpace(configuration["OpenAI:ApiKey"]))
        {
            problems.Add("OPENAI_API_KEY is required: the bearer key for OpenAI's Realtime calls API.");
        }

        var secret = configuration["OpenAI:WebhookSecret"];
        if (string.IsNullOrWhiteSpace(secret))
        {
            problems.Add("OPENAI_WEBHOOK_SECRET is required: webhooks are never accepted unverified (whsec_<base64> from the OpenAI project's webhook settings).");
        }
        else if (!StandardWebhookVerifier.TryDecodeSecret(secret, out _))
        {
            problems.Add("OPENAI_WEBHOOK_SECRET is malformed: expected whsec_ followed by base64.");
        }

        if (configuration["OpenAI:BaseUrl"] is { Length: > 0 } baseUrl
            && (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            problems.Add("OPENAI_BASE_URL must be an absolute http(s) URL, such as https://api.openai.com/v1.");
        }

        if (configuration["OpenAI:VoiceRuntime"] is { Length: > 0 } runtime
            && !runtime.Trim().Equals("realtime", StringComparison.OrdinalIgnoreCase) && !runtime.Trim().Equals("live", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("OPENAI_VOICE_RUNTIME must be realtime (OpenAI's Realtime API over SIP, the default) or live (GPT-Live).");
        }

        if (configuration["WhatsApp:GraphBaseUrl"] is { Length: > 0 } graphUrl
            && (!Uri.TryCreate(graphUrl, UriKind.Absolute, out var graph) || (graph.Scheme != Uri.UriSchemeHttps && graph.Scheme != Uri.UriSchemeHttp)))
        {
            problems.Add("WHATSAPP_GRAPH_BASE_URL must be an absolute http(s) URL, such as https://graph.facebook.com.");
        }

        if (configuration["Database:ApplyMigrations"] is { Length: > 0 } apply && !bool.TryParse(apply, out _))
        {
            problems.Add("EASYMO_APPLY_MIGRATIONS must be true or false.");
        }

        problems.AddRange(ManagementUrls.Problems(configuration));
        problems.AddRange(Identity(configuration).Problems());
        try
        {
            problems.AddRange(Callbacks(configuration).Problems());
        }
        catch (InvalidOperationException)
        {
            problems.Add("Callbacks: a setting cannot be read (hours as HH:mm, durations as hh:mm:ss, Enabled as true or false).");
        }

        try
        {
            var whatsAppOptions = WhatsApp(configuration);
            problems.AddRange(whatsAppOptions.Problems());
            if (whatsAppOptions.AllowPrivateMediaAddresses && string.Equals(environmentName, ProductionEnvironment, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add("WhatsApp__AllowPrivateMediaAddresses=true is refused in Production: it lets the media download carry the WhatsApp token to loopback and private addresses (it exists for tests and the sandbox).");
            }
        }
        catch (InvalidOperationException)
        {
            problems.Add("WhatsApp: a setting cannot be read (WhatsApp:AllowPrivateMediaAddresses as true or false, durations as hh:mm:ss).");
        }

        // WhatsApp is optional as a whole; once any of it is set, the webhook's two secrets must be set as well.
        var whatsApp = WhatsAppKeys.Where(key => !string.IsNullOrWhiteSpace(configuration[key])).Select(EnvironmentAliases.VariableFor).ToArray();
        if (whatsApp.Length > 0)
        {
            foreach (var (key, purpose) in WhatsAppWebhookKeys)
            {
                if (string.IsNullOrWhiteSpace(configuration[key]))
                {
                    problems.Add($"{EnvironmentAliases.VariableFor(key)} is required once WhatsApp is configured ({string.Join(", ", whatsApp)} set): {purpose}.");
                }
            }
        }

        return problems;
    }

    /// <summary>The call-back settings as the service binds them (section <c>Callbacks</c>).</summary>
    public static CallbackOptions Callbacks(IConfiguration configuration) =>
        configuration.GetSection(CallbackOptions.SectionName).Get<CallbackOptions>() ?? new CallbackOptions();

    /// <summary>The WhatsApp settings as the service binds them (section <c>WhatsApp</c>).</summary>
    public static WhatsAppOptions WhatsApp(IConfiguration configuration) =>
        configuration.GetSection(WhatsAppOptions.SectionName).Get<WhatsAppOptions>() ?? new WhatsAppOptions();

    /// <summary>The caller-identity settings as the service binds them (section <c>Identity</c>).</summary>
    public static CallerIdentityOptions Identity(IConfiguration configuration) =>
        configuration.GetSection(CallerIdentityOptions.SectionName).Get<CallerIdentityOptions>() ?? new CallerIdentityOptions();
}

/// <summary>The configuration cannot run the service; each line names one problem.</summary>
public sealed class InvalidConfigurationException(IReadOnlyList<string> problems)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
