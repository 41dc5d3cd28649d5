namespace EasyMo.Infrastructure.OpenAi;

/// <summary>How to reach OpenAI (configuration section <c>OpenAI</c>; environment variables <c>OPENAI_*</c>).</summary>
public sealed class OpenAiOptions
{
    public const string SectionName = "OpenAI";

    /// <summary>Bearer key for the calls API and the sideband socket (<c>OPENAI_API_KEY</c>).</summary>
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>REST base (<c>OPENAI_BASE_URL</c>).</summary>
    public Uri BaseUrl { get; set; } = new("https://api.openai.com/v1");

    /// <summary>Sent as <c>OpenAI-Project</c> when set (<c>OPENAI_PROJECT_ID</c>).</summary>
    public string? ProjectId { get; set; }

    /// <summary>Sent as <c>OpenAI-Organization</c> when set (<c>OPENAI_ORG_ID</c>).</summary>
    public string? OrganizationId { get; set; }

    /// <summary>Longest a single request to the calls API may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest one operation may take with its retries: the caller hears ringing meanwhile.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Retries after a transient failure (5xx, 408, 429, timeout, connection error).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Delay before the first retry; it doubles, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The sideband socket's base, derived from <see cref="BaseUrl"/> (<c>http</c>→<c>ws</c>, <c>https</c>→<c>wss</c>).</summary>
    public Uri WebSocketBaseUrl => new UriBuilder(BaseUrl)
    {
        Scheme = BaseUrl.Scheme == Uri.UriSchemeHttp ? "ws" : "wss",
        Port = BaseUrl.IsDefaultPort ? -1 : BaseUrl.Port,
    }.Uri;
}
