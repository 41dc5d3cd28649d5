namespace EasyMo.Infrastructure.WhatsApp;

/// <summary>How to reach WhatsApp's Graph API (configuration section <c>WhatsApp</c>; environment variables <c>WHATSAPP_*</c>).</summary>
public sealed class WhatsAppOptions
{
    public const string SectionName = "WhatsApp";

    /// <summary>Bearer token of the Graph API (<c>WHATSAPP_ACCESS_TOKEN</c>); never logged.</summary>
    public string? AccessToken { get; set; }

    /// <summary>The business phone number's id that messages are sent from (<c>WHATSAPP_PHONE_NUMBER_ID</c>).</summary>
    public string? PhoneNumberId { get; set; }

    /// <summary>The Graph API's base (<c>WHATSAPP_GRAPH_BASE_URL</c>).</summary>
    public Uri GraphBaseUrl { get; set; } = new("https://graph.facebook.com");

    /// <summary>The Graph API version in every path (<c>WHATSAPP_API_VERSION</c>).</summary>
    public string ApiVersion { get; set; } = "v24.0";

    /// <summary>Longest one Graph API request may take; a request that takes longer counts as a failed attempt.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The approved template sent instead of a text refused outside the 24-hour window (131047).</summary>
    public FallbackTemplateOptions FallbackTemplate { get; set; } = new();

    /// <summary>Whether messages can be sent at all: a token and a phone number id.</summary>
    public bool CanSend => !string.IsNullOrWhiteSpace(AccessToken) && !string.IsNullOrWhiteSpace(PhoneNumberId);
}

/// <summary><c>WhatsApp:FallbackTemplate</c>: an approved template without parameters.</summary>
public sealed class FallbackTemplateOptions
{
    /// <summary>The template's name; unset, a text refused outside the 24-hour window is given up.</summary>
    public string? Name { get; set; }

    /// <summary>The template's language code (<c>en</c>, <c>fr</c>, …); unset, the message's own language.</summary>
    public string? Language { get; set; }
}
