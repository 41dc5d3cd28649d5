using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace EasyMo.Infrastructure.WhatsApp;

/// <summary>
/// The connection step of the media download's <see cref="SocketsHttpHandler"/>: it resolves the host itself, refuses
/// when the host is not allowed or any of its addresses is not public (<see cref="PublicAddress"/>), and connects only
/// to the addresses it checked. Checking here rather than before the request means a name that resolves to a public
/// address for a check and to a private one for the connection (DNS rebinding) cannot slip through: there is one
/// resolution, and it is the one connected to.
/// </summary>
internal sealed class MediaDownloadGuard(IOptions<WhatsAppOptions> options)
{
    /// <summary>The primary handler of <see cref="WhatsAppGraphClient.MediaClientName"/>.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        ConnectCallback = ConnectAsync,
        // Each hop is checked by WhatsAppGraphClient, and the token never follows a redirect.
        AllowAutoRedirect = false,
        // Through a proxy, the address connected to would be the proxy's, not the media host's.
        UseProxy = false,
        UseCookies = false,
    };

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var endPoint = context.DnsEndPoint;
        var host = WhatsAppOptions.NormalizeHost(endPoint.Host);
        if (!settings.AllowsMediaHost(host))
        {
            throw new MediaUrlRefusedException(MediaRefusals.HostNotAllowed, host);
        }

        IPAddress[] addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        if (!settings.AllowPrivateMediaAddresses && addresses.Any(address => !PublicAddress.IsPublic(address)))
        {
            throw new MediaUrlRefusedException(MediaRefusals.NonPublicAddress, host);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>
/// A media URL (or a redirect's) that is not fetched: its host is not allowed, it is not <c>https</c>, or its host
/// resolves to a non-public address. Thrown before the token leaves the process; the note fails with <see cref="Reason"/>.
/// </summary>
internal sealed class MediaUrlRefusedException(string reason, string host) : Exception($"{reason}: {host}")
{
    /// <summary>One of <see cref="MediaRefusals"/>.</summary>
    public string Reason { get; } = reason;

    /// <summary>The refused host, never the URL (its query is a credential for five minutes).</summary>
    public string Host { get; } = host;

    /// <summary>The refusal inside <paramref name="exception"/> (the handler wraps a refused connection in an <see cref="HttpRequestException"/>).</summary>
    internal static MediaUrlRefusedException? Find(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is MediaUrlRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }
}
