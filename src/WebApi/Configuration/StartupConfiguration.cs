using EasyMo.Infrastructure.Persistence;
using EasyMo.WebApi.Webhooks;

namespace EasyMo.WebApi.Configuration;

/// <summary>Checks the configuration once at start-up and names every problem on a line of its own.</summary>
public static class StartupConfiguration
{
    public static IReadOnlyList<string> Validate(IConfiguration configuration)
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

        if (configuration["Database:ApplyMigrations"] is { Length: > 0 } apply && !bool.TryParse(apply, out _))
        {
            problems.Add("EASYMO_APPLY_MIGRATIONS must be true or false.");
        }

        return problems;
    }
}

/// <summary>The configuration cannot run the service; each line names one problem.</summary>
public sealed class InvalidConfigurationException(IReadOnlyList<string> problems)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
