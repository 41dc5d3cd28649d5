using EasyMo.Application.Common.Options;

namespace EasyMo.Infrastructure.WhatsApp;

/// <summary>How to reach WhatsApp's Graph API (configuration section <c>WhatsApp</c>; environment variables <c>WHATSAPP_*</c>).</summary>
public sealed class WhatsAppOptions : IValidatedOptions
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

    /// <summary>
    /// The hosts a media URL from Graph may be downloaded from, with <see cref="AccessToken"/>: a host name matched
    /// exactly, or a leading-dot suffix (<c>.example.net</c>) matching its subdomains, case-insensitively. Configured
    /// entries replace <see cref="DefaultMediaHosts"/>. Any other host is refused before the token is sent (review L2).
    /// </summary>
    public IList<string> MediaHosts { get; set; } = [];

    /// <summary>
    /// The hosts used when <see cref="MediaHosts"/> is left empty. Meta documents the download URL of
    /// <c>GET /{media-id}</c> only by example, and every example found (Meta's media reference and its mirrors, and the
    /// docs of 360dialog, Kapso and other providers, read 2026-12) is <c>https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=…</c>.
    /// No source shows Cloud API media served from <c>*.fbcdn.net</c> or <c>*.whatsapp.net</c> (<c>mmg.whatsapp.net</c>
    /// is the consumer app's encrypted media, not the Cloud API's), so they are not allowed by default: add them to
    /// <see cref="MediaHosts"/> if Meta starts answering with them.
    /// </summary>
    public static IReadOnlyList<string> DefaultMediaHosts { get; } = ["lookaside.fbsbx.com"];

    /// <summary>The hosts media is downloaded from: <see cref="MediaHosts"/>, or the defaults.</summary>
    public IReadOnlyList<string> AllowedMediaHosts => MediaHosts.Count > 0 ? [.. MediaHosts] : DefaultMediaHosts;

    /// <summary>
    /// Lets the media download reach loopback and private addresses, and plain <c>http</c>, for the tests and the sandbox,
    /// whose fake Graph serves media on 127.0.0.1. Refused at start-up outside Development, Testing and Sandbox.
    /// </summary>
    public bool AllowPrivateMediaAddresses { get; set; }

    /// <summary>Whether messages can be sent at all: a token and a phone number id.</summary>
    public bool CanSend => !string.IsNullOrWhiteSpace(AccessToken) && !string.IsNullOrWhiteSpace(PhoneNumberId);

    /// <summary>Whether <paramref name="host"/> (a URL's host, IDN in punycode) is on <see cref="AllowedMediaHosts"/>.</summary>
    public bool AllowsMediaHost(string? host)
    {
        var name = NormalizeHost(host);
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var entry in AllowedMediaHosts.Select(NormalizeHost).Where(IsValidHostEntry))
        {
            var matches = entry.StartsWith('.')
                ? name.Length > entry.Length && name.EndsWith(entry, StringComparison.Ordinal)
                : name == entry;
            if (matches)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Why the media at <paramref name="url"/> must not be fetched with the token, or null when it may: its host is not
    /// allowed, or it is not <c>https</c> (plain <c>http</c> only with <see cref="AllowPrivateMediaAddresses"/>).
    /// </summary>
    public string? MediaUrlRefusal(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || !AllowsMediaHost(url.IdnHost))
        {
            return MediaRefusals.HostNotAllowed;
        }

        return url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && AllowPrivateMediaAddresses)
            ? null
            : MediaRefusals.NotHttps;
    }

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var entry in MediaHosts.Where(entry => !IsValidHostEntry(NormalizeHost(entry))))
        {
            problems.Add($"WhatsApp:MediaHosts: '{entry}' is neither a host name (lookaside.fbsbx.com) nor a leading-dot suffix of at least two labels (.fbcdn.net).");
        }

        return problems;
    }

    /// <summary>Lower case, without IPv6 brackets or the trailing dot of a fully qualified name.</summary>
    internal static string NormalizeHost(string? host) =>
        (host ?? string.Empty).Trim().Trim('[', ']').TrimEnd('.').ToLowerInvariant();

    private static bool IsValidHostEntry(string entry)
    {
        var suffix = entry.StartsWith('.');
        var name = suffix ? entry[1..] : entry;
        return Uri.CheckHostName(name) switch
        {
            UriHostNameType.Dns => !suffix || name.Contains('.', StringComparison.Ordinal),
            UriHostNameType.IPv4 or UriHostNameType.IPv6 => !suffix,
            _ => false,
        };
    }
}

/// <summary>Why a media URL was not fetched: the reasons a voice note fails with.</summary>
internal static class MediaRefusals
{
    public const string HostNotAllowed = "media URL host not allowed";

    public const string NotHttps = "media URL not https";

    public const string NonPublicAddress = "media host resolves to a non-public address";

    public const string TooManyRedirects = "media URL redirected too many times";
}

/// <summary><c>WhatsApp:FallbackTemplate</c>: an approved template without parameters.</summary>
public sealed class FallbackTemplateOptions
{
    /// <summary>The template's name; unset, a text refused outside the 24-hour window is given up.</summary>
    public string? Name { get; set; }

    /// <summary>The template's language code (<c>en</c>, <c>fr</c>, …); unset, the message's own language.</summary>
    public string? Language { get; set; }
}
