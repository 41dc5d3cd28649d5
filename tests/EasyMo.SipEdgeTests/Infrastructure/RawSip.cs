using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EasyMo.SipEdgeTests.Infrastructure;

/// <summary>Hand-written SIP over a stream, for what SIPp cannot send: garbage, floods, TLS.</summary>
internal static class RawSip
{
    public static string Options(string target, string transport, string callId) => Message(
        $"OPTIONS sip:{target};transport={transport.ToLowerInvariant()} SIP/2.0",
        transport, callId, "OPTIONS", $"<sip:{target}>", extraHeaders: null);

    public static string Invite(string number, string target, string transport, string callId) => Message(
        $"INVITE sip:{number}@{target};transport={transport} SIP/2.0",
        transport, callId, "INVITE", $"<sip:{number}@{target}>", "Contact: <sip:+250788123456@127.0.0.1:5999>\r\nx-wa-meta-wacid: raw-test\r\n");

    /// <summary>Connects a TCP client from <paramref name="localAddress"/> (any 127.0.0.0/8 address is loopback on Linux).</summary>
    public static async Task<TcpClient> ConnectAsync(string localAddress, IPEndPoint target, CancellationToken cancellationToken)
    {
        var client = new TcpClient(new IPEndPoint(IPAddress.Parse(localAddress), 0));
        await client.ConnectAsync(target, cancellationToken);
        return client;
    }

    /// <summary>Reads whatever arrives on <paramref name="stream"/> until it has been quiet for <paramref name="quiet"/>.</summary>
    public static async Task<string> ReadUntilQuietAsync(Stream stream, TimeSpan quiet, CancellationToken cancellationToken)
    {
        var received = new StringBuilder();
        var buffer = new byte[16384];
        while (true)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(quiet);
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return received.ToString();
            }
            catch (IOException)
            {
                return received.ToString();
            }

            if (read == 0)
            {
                return received.ToString();
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }

    public static int Count(string received, string startLine) =>
        received.Split("\r\n").Count(line => line.StartsWith(startLine, StringComparison.Ordinal));

    private static string Message(string requestLine, string transport, string callId, string method, string to, string? extraHeaders) =>
        string.Create(CultureInfo.InvariantCulture, $"""
            {requestLine}
            Via: SIP/2.0/{transport} 127.0.0.1:5999;branch=z9hG4bK-{callId}
            Max-Forwards: 70
            From: <sip:+250788123456@wa.meta.vc>;tag={callId}
            To: {to}
            Call-ID: {callId}
            CSeq: 1 {method}
            {extraHeaders}Content-Length: 0


            """).Replace("\n", "\r\n", StringComparison.Ordinal).Replace("\r\r\n", "\r\n", StringComparison.Ordinal);
}
