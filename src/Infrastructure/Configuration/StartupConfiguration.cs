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
    /// The environments that may run without the production requirements (<see cref="IsStrict"/>): a developer's machine,
    /// the test hosts, and scripts/sandbox.sh's local stand-ins (http on loopback, media from 127.0.0.1, its own tokens).
    /// </summary>
    private static readonly string[] RelaxedEnvironments = ["Development", "Testing", "Sandbox"];

    /// <summary>Where the production requirements do not apply, as the problems name it.</summary>
    public const string RelaxedEnvironmentNames = "Development, Testing and Sandbox";

    /// <summary>Why a loopback http URL is allowed where https is required: nothing travels off the machine.</summary>
    private const string CleartextReason = "http is allowed only to a loopback address";

    /// <summary>
    /// Every problem with <paramref name="configuration"/>, one line each, for a service running in
    /// <paramref name="environmentName"/> (<c>ASPNETCORE_ENVIRONMENT</c>; Production, the strictest, when not given):
    /// outside Development, Testing and Sandbox (<see cref="IsStrict"/>) it must also be safe to expose (a pseudonym key,
    /// operators' tokens that cannot be guessed, https to its peers, media only from public addresses).
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

        switch (StandardWebhookVerifier.Strength(configuration[StandardWebhookVerifier.SecretKey]))
        {
            case SecretStrength.Missing:
                problems.Add("OPENAI_WEBHOOK_SECRET is required: webhooks are never accepted unverified (whsec_<base64> from the OpenAI project's webhook settings).");
                break;
            case SecretStrength.Malformed:
                problems.Add("OPENAI_WEBHOOK_SECRET is malformed: expected whsec_ followed by base64, as the OpenAI project's webhook settings show it.");
                break;
            case SecretStrength.TooShort:
                problems.Add($"OPENAI_WEBHOOK_SECRET is too short: whsec_ must be followed by the base64 of at least {StandardWebhookVerifier.MinimumSecretBytes} bytes.");
                break;
        }

        problems.AddRange(PreviousWebhookSecret(configuration));

        var strict = IsStrict(environmentName);
        switch (PeerUrl(configuration["OpenAI:BaseUrl"], strict))
        {
            case PeerUrlProblem.NotHttp:
                problems.Add("OPENAI_BASE_URL must be an absolute http(s) URL, such as https://api.openai.com/v1.");
                break;
            case PeerUrlProblem.Cleartext:
                problems.Add($"OPENAI_BASE_URL must be https outside {RelaxedEnvironmentNames} ({CleartextReason}): the API key and the sideband socket would travel in clear.");
                break;
        }

        if (configuration["OpenAI:VoiceRuntime"] is { Length: > 0 } runtime
            && !runtime.Trim().Equals("realtime", StringComparison.OrdinalIgnoreCase) && !runtime.Trim().Equals("live", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("OPENAI_VOICE_RUNTIME must be realtime (OpenAI's Realtime API over SIP, the default) or live (GPT-Live).");
        }

        switch (PeerUrl(configuration["WhatsApp:GraphBaseUrl"], strict))
        {
            case PeerUrlProblem.NotHttp:
                problems.Add("WHATSAPP_GRAPH_BASE_URL must be an absolute http(s) URL, such as https://graph.facebook.com.");
                break;
            case PeerUrlProblem.Cleartext:
                problems.Add($"WHATSAPP_GRAPH_BASE_URL must be https outside {RelaxedEnvironmentNames} ({CleartextReason}): the WhatsApp access token and callers' messages would travel in clear.");
                break;
        }

        // The collector's headers usually carry its credentials (OTEL_EXPORTER_OTLP_HEADERS); without any, telemetry alone
        // (masked numbers, no secret) may go to a collector in clear, as to a sidecar.
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_HEADERS"])
            && PeerUrl(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"], strict) == PeerUrlProblem.Cleartext)
        {
            problems.Add($"OTEL_EXPORTER_OTLP_ENDPOINT must be https outside {RelaxedEnvironmentNames} when OTEL_EXPORTER_OTLP_HEADERS is set ({CleartextReason}): the collector's credentials would travel in clear.");
        }

        if (configuration["Database:ApplyMigrations"] is { Length: > 0 } apply && !bool.TryParse(apply, out _))
        {
            problems.Add("EASYMO_APPLY_MIGRATIONS must be true or false.");
        }

        problems.AddRange(ManagementUrls.Problems(configuration));
        problems.AddRange(Identity(configuration).Problems());
        try
        {
            problems.AddRange(Calls(configuration).TransferBriefProblems());
        }
        catch (InvalidOperationException)
        {
            problems.Add("Calls: a setting cannot be read (durations as hh:mm:ss, counts as whole numbers).");
        }

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
            if (whatsAppOptions.AllowPrivateMediaAddresses && strict)
            {
                problems.Add($"WhatsApp__AllowPrivateMediaAddresses=true is refused outside {RelaxedEnvironmentNames}: it lets the media download carry the WhatsApp token to loopback and private addresses (it exists for tests and the sandbox).");
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

        if (strict)
        {
            problems.AddRange(ProductionRequirements.Problems(configuration));
        }

        return problems;
    }

    /// <summary>
    /// Production, Staging and any name but Development, Testing and Sandbox (compared as ASP.NET Core does, ignoring
    /// case): an unset environment is Production, so a deployment that forgets to name one gets the strict checks.
    /// </summary>
    public static bool IsStrict(string environmentName) =>
        !RelaxedEnvironments.Any(relaxed => relaxed.Equals(environmentName, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// While the webhook secret is rotated: the previous one as well-formed as the current one, and never without an end
    /// (an open-ended previous secret would be a second current one that nobody remembers to remove).
    /// </summary>
    private static IEnumerable<string> PreviousWebhookSecret(IConfiguration configuration)
    {
        const string until = "OpenAI:PreviousWebhookSecretUntil (OpenAI__PreviousWebhookSecretUntil)";
        var end = configuration[StandardWebhookVerifier.PreviousSecretUntilKey];
        if (!string.IsNullOrWhiteSpace(end) && !StandardWebhookVerifier.TryParseInstant(end, out _))
        {
            yield return $"{until} must be an ISO-8601 instant with its offset, such as 2026-12-01T12:00:00Z.";
        }

        switch (StandardWebhookVerifier.Strength(configuration[StandardWebhookVerifier.PreviousSecretKey]))
        {
            case SecretStrength.Missing:
                yield break;
            case SecretStrength.Malformed:
                yield return $"{StandardWebhookVerifier.PreviousSecretVariable} is malformed: expected whsec_ followed by base64, the secret being rotated out.";
                break;
            case SecretStrength.TooShort:
                yield return $"{StandardWebhookVerifier.PreviousSecretVariable} is too short: whsec_ must be followed by the base64 of at least {StandardWebhookVerifier.MinimumSecretBytes} bytes.";
                break;
        }

        if (string.IsNullOrWhiteSpace(end))
        {
            yield return $"{StandardWebhookVerifier.PreviousSecretVariable} needs an end: set {until} to the instant after which it is refused, such as 2026-12-01T12:00:00Z.";
        }
    }

    private enum PeerUrlProblem
    {
        None,
        NotHttp,
        Cleartext,
    }

    /// <summary>
    /// What is wrong with a peer's base URL, when set: not an absolute http(s) URL; or, when <paramref name="strict"/>, http
    /// to anything but a loopback address (secrets in clear off this machine).
    /// </summary>
    private static PeerUrlProblem PeerUrl(string? value, bool strict)
    {
        if (string.IsNullOrEmpty(value))
        {
            return PeerUrlProblem.None;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return PeerUrlProblem.NotHttp;
        }

        return strict && uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback ? PeerUrlProblem.Cleartext : PeerUrlProblem.None;
    }

    /// <summary>The call-back settings as the service binds them (section <c>Callbacks</c>).</summary>
    public static CallbackOptions Callbacks(IConfiguration configuration) =>
        configuration.GetSection(CallbackOptions.SectionName).Get<CallbackOptions>() ?? new CallbackOptions();

    /// <summary>The WhatsApp settings as the service binds them (section <c>WhatsApp</c>).</summary>
    public static WhatsAppOptions WhatsApp(IConfiguration configuration) =>
        configuration.GetSection(WhatsAppOptions.SectionName).Get<WhatsAppOptions>() ?? new WhatsAppOptions();

    /// <summary>The call-handling settings as the service binds them (section <c>Calls</c>).</summary>
    public static CallHandlingOptions Calls(IConfiguration configuration) =>
        configuration.GetSection(CallHandlingOptions.SectionName).Get<CallHandlingOptions>() ?? new CallHandlingOptions();

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
