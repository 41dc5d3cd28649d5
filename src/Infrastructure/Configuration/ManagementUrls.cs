using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace EasyMo.Infrastructure.Configuration;

/// <summary>
/// Where the management listener (<c>GET /metrics</c>) listens: <c>EASYMO_MANAGEMENT_URLS</c> (<c>Management:Urls</c>), one
/// or more <c>http://host:port</c> separated by <c>;</c> or <c>,</c>, on loopback by default so that nothing outside the
/// machine (or the container) can scrape until an operator says where the scraper is.
/// </summary>
/// <remarks>
/// The host must be an IP address, <c>localhost</c> or <c>*</c>: Kestrel binds any other name to every interface, which
/// would quietly publish the metrics. The port may not be one the public listener uses (<c>ASPNETCORE_URLS</c>,
/// <c>--urls</c>, <c>ASPNETCORE_HTTP_PORTS</c>): the two would then be one listener, and <c>/metrics</c> public.
/// </remarks>
public static class ManagementUrls
{
    public const string Key = "Management:Urls";
    public const string Variable = "EASYMO_MANAGEMENT_URLS";
    public const string Default = "http://127.0.0.1:9464";

    /// <summary>Kestrel's own default when no public URL is configured anywhere.</summary>
    private const int KestrelDefaultPort = 5000;

    private const string Expected = Variable + " must be one or more http://host:port (host an IP address, localhost or *; ';' between them)";

    /// <summary>The configured value, or <see cref="Default"/> when unset or blank.</summary>
    public static string Configured(IConfiguration configuration) =>
        configuration[Key] is { } value && !string.IsNullOrWhiteSpace(value) ? value : Default;

    /// <summary>The management endpoints of a configuration that <see cref="Problems"/> found nothing wrong with.</summary>
    public static IReadOnlyList<ManagementEndpoint> Endpoints(IConfiguration configuration) =>
        TryParse(Configured(configuration), out var endpoints, out var problem)
            ? endpoints
            : throw new InvalidConfigurationException([problem!]);

    /// <summary>What is wrong with the management URLs, one line each; empty when the listener can start.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        if (!TryParse(Configured(configuration), out var endpoints, out var problem))
        {
            return [problem!];
        }

        var publicPorts = PublicPorts(configuration);
        return endpoints
            .Where(endpoint => endpoint.Port != 0 && publicPorts.Contains(endpoint.Port))
            .Select(endpoint => $"{Variable} must not share a port with the public listener: {endpoint.Url} is on port {endpoint.Port.ToString(CultureInfo.InvariantCulture)}, "
                + "where the service already serves (ASPNETCORE_URLS, --urls or ASPNETCORE_HTTP_PORTS), so /metrics would be public.")
            .ToArray();
    }

    /// <summary>Parses a list of <c>http://host:port</c>; on failure, <paramref name="problem"/> is one line naming the variable.</summary>
    public static bool TryParse(string value, out IReadOnlyList<ManagementEndpoint> endpoints, out string? problem)
    {
        var parsed = new List<ManagementEndpoint>();
        endpoints = parsed;
        foreach (var item in value.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryParseOne(item, out var endpoint, out var reason))
            {
                problem = $"{Expected}: '{item}' {reason}.";
                return false;
            }

            parsed.Add(endpoint);
        }

        problem = parsed.Count == 0 ? Expected + "." : null;
        return parsed.Count > 0;
    }

    private static bool TryParseOne(string url, out ManagementEndpoint endpoint, out string reason)
    {
        endpoint = null!;
        const string scheme = "http://";
        if (!url.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            reason = "is not http:// (the listener has no certificate; keep it on a private network instead)";
            return false;
        }

        var authority = url[scheme.Length..];
        if (authority.EndsWith('/'))
        {
            authority = authority[..^1];
        }

        if (authority.IndexOfAny(['/', '?', '#', '@']) >= 0)
        {
            reason = "has a path, query or user: only host and port";
            return false;
        }

        string host;
        string port;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= authority.Length || authority[close + 1] != ':')
            {
                reason = "needs a port";
                return false;
            }

            host = authority[1..close];
            port = authority[(close + 2)..];
            if (!IPAddress.TryParse(host, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                reason = "has no IPv6 address between its brackets";
                return false;
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            if (colon <= 0)
            {
                reason = "needs a port";
                return false;
            }

            host = authority[..colon];
            port = authority[(colon + 1)..];
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > IPEndPoint.MaxPort)
        {
            reason = "has no port from 0 to 65535";
            return false;
        }

        if (host is "*" or "+")
        {
            endpoint = new ManagementEndpoint(url, ManagementHost.Any, null, number);
        }
        else if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            if (number == 0)
            {
                reason = "cannot take port 0 (Kestrel picks no port for localhost; use 127.0.0.1:0)";
                return false;
            }

            endpoint = new ManagementEndpoint(url, ManagementHost.Localhost, null, number);
        }
        else if (IsIpAddress(host, authority.StartsWith('['), out var address))
        {
            endpoint = new ManagementEndpoint(url, ManagementHost.Address, address, number);
        }
        else
        {
            reason = "names a host: Kestrel would listen on every interface for it; give an IP address";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    /// <summary>An IPv6 address in brackets, or an IPv4 address in full dotted form (<c>IPAddress.TryParse</c> also takes <c>"1"</c>).</summary>
    private static bool IsIpAddress(string host, bool bracketed, out IPAddress? address)
    {
        address = null;
        if (bracketed)
        {
            return IPAddress.TryParse(host, out address);
        }

        var parts = host.Split('.');
        return parts.Length == 4
            && parts.All(part => part.Length is > 0 and <= 3 && part.All(char.IsAsciiDigit))
            && IPAddress.TryParse(host, out address);
    }

    /// <summary>
    /// The ports the public listener takes, read as ASP.NET Core reads them: <c>urls</c> (<c>ASPNETCORE_URLS</c>, <c>--urls</c>),
    /// else <c>http_ports</c> and <c>https_ports</c>, else Kestrel's default 5000.
    /// </summary>
    private static HashSet<int> PublicPorts(IConfiguration configuration)
    {
        var ports = new HashSet<int>();
        if (configuration["urls"] is { } urls && !string.IsNullOrWhiteSpace(urls))
        {
            foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (PortOf(url) is { } port)
                {
                    ports.Add(port);
                }
            }

            return ports;
        }

        foreach (var key in new[] { "http_ports", "https_ports" })
        {
            foreach (var port in (configuration[key] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    ports.Add(number);
                }
            }
        }

        if (ports.Count == 0)
        {
            ports.Add(KestrelDefaultPort);
        }

        return ports;
    }

    /// <summary>The port of a public URL (<c>http://*:8080</c>, <c>https://localhost</c> → 443); none for a Unix socket or pipe.</summary>
    private static int? PortOf(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return null;
        }

        var scheme = url[..schemeEnd];
        var authority = url[(schemeEnd + 3)..];
        if (authority.StartsWith("unix:", StringComparison.OrdinalIgnoreCase) || authority.StartsWith("pipe:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var slash = authority.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            authority = authority[..slash];
        }

        var colon = authority.LastIndexOf(':');
        if (colon >= 0 && colon > authority.LastIndexOf(']') && int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return port;
        }

        return scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? 443 : 80;
    }
}

/// <summary>What a management URL's host means to Kestrel.</summary>
public enum ManagementHost
{
    /// <summary>One IP address (<see cref="ManagementEndpoint.Address"/>): <c>127.0.0.1</c>, <c>0.0.0.0</c>, <c>[::1]</c>, …</summary>
    Address,

    /// <summary><c>localhost</c>: both loopback addresses, IPv4 and IPv6.</summary>
    Localhost,

    /// <summary><c>*</c> or <c>+</c>: every interface.</summary>
    Any,
}

/// <summary>One management URL, parsed: where the listener binds.</summary>
public sealed record ManagementEndpoint(string Url, ManagementHost Host, IPAddress? Address, int Port);
