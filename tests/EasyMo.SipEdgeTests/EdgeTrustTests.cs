using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using EasyMo.Application.Features.Calls.Sip;
using EasyMo.SipEdgeTests.Infrastructure;

namespace EasyMo.SipEdgeTests;

/// <summary>
/// The edge relays only what it admitted (security review H1, L6, M9): requests that try to use it as a relay, over each
/// listener, never reach their target; a real call's in-dialog requests still flow both ways; captured credentials do
/// not work twice; and every INVITE it relays carries its attestation, never the caller's.
/// </summary>
[Collection(EdgeCollection.Name)]
public sealed class EdgeTrustTests(EdgeFixture edge)
{
    private const string Caller = "+250788123456";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> RelayAttempts => new()
    {
        // In-dialog (a To-tag) with a Route pre-loaded to the victim: the open relay of the review.
        { "OPTIONS, forged Route", "OPTIONS sip:probe@{victim} SIP/2.0|To: <sip:probe@{victim}>;tag=b2|Route: <sip:{victim};transport={t};lr>" },
        // The edge's own address first, the victim next: loose_route would pop the first and go on to the second.
        { "OPTIONS, stacked Route", "OPTIONS sip:probe@{victim} SIP/2.0|To: <sip:probe@{victim}>;tag=b2|Route: <sip:{edge};transport={t};lr>,<sip:{victim};transport={t};lr>" },
        { "BYE, edge's Route with ftag", "BYE sip:probe@{victim} SIP/2.0|To: <sip:probe@{victim}>;tag=b2|Route: <sip:{edge};transport={t};lr;ftag=a1>" },
        { "INVITE, made-up To-tag", "INVITE sip:+250788000001@{victim} SIP/2.0|To: <sip:+250788000001@{victim}>;tag=b2|Route: <sip:{victim};transport={t};lr>" },
        // Out of dialog, for foreign domains and with methods the edge does not relay.
        { "MESSAGE to a foreign host", "MESSAGE sip:victim@{victim} SIP/2.0|To: <sip:victim@{victim}>|Route: <sip:{victim};transport={t};lr>" },
        { "SUBSCRIBE to a foreign host", "SUBSCRIBE sip:victim@{victim} SIP/2.0|To: <sip:victim@{victim}>" },
        { "OPTIONS to a foreign host", "OPTIONS sip:victim@{victim} SIP/2.0|To: <sip:victim@{victim}>" },
        { "INVITE for a foreign host", "INVITE sip:victim@{victim} SIP/2.0|To: <sip:victim@{victim}>|Route: <sip:{victim};transport={t};lr>" },
    };

    [Theory]
    [MemberData(nameof(RelayAttempts))]
    public async Task Nothing_an_unauthenticated_source_sends_is_relayed_over_any_listener(string @case, string shape)
    {
        using var victim = new Victim();
        var answers = new List<string>();
        var source = 20;
        foreach (var transport in new[] { "TCP", "TLS", "UDP" })
        {
            var local = $"127.0.0.{source++}"; // a source each, so that pike judges every attempt on its own
            var edgePort = transport switch { "TCP" => edge.TcpPort, "TLS" => edge.TlsPort, _ => edge.UdpPort };
            var message = Request(shape, transport, victim.Address, $"127.0.0.1:{edgePort}", $"relay-{Guid.NewGuid():N}", local);
            answers.Add(await SendAsync(transport, local, edgePort, message));
        }

        await Task.Delay(500, Ct);
        victim.Received.ShouldBeEmpty($"{@case}: the edge relayed to the victim");
        answers.ShouldAllBe(answer => answer.Length == 0 || answer.StartsWith("SIP/2.0 4", StringComparison.Ordinal), $"{@case}: {string.Join(" / ", answers)}\n{edge.Log[^Math.Min(edge.Log.Length, 3000)..]}");
        answers.ShouldContain(answer => answer.StartsWith("SIP/2.0 4", StringComparison.Ordinal), $"{@case}: the edge says no");
    }

    [Fact]
    public async Task A_real_calls_in_dialog_requests_flow_both_ways_through_the_dialog_the_edge_created()
    {
        await using var openAi = await edge.StartOpenAiAsync(Ct, "openai-hangs-up.xml");

        var meta = await edge.CallAsync("whatsapp-call-far-end-hangs-up.xml", "127.0.0.1",
            ["-s", EdgeFixture.BusinessNumber, "-au", EdgeFixture.BusinessNumber, "-ap", edge.Password, "-key", "caller", Caller, "-key", "wacid", "wacid.both-ways"], Ct);
        var far = await openAi.FinishAsync(TimeSpan.FromSeconds(10));

        meta.ExitCode.ShouldBe(0, meta.ToString());
        far.ExitCode.ShouldBe(0, far.ToString());
        far.Received.ShouldContain(message => message.IsRequest("ACK"), "the caller's ACK reached OpenAI");
        meta.Received.Count(message => message.IsRequest("INVITE")).ShouldBe(1, "OpenAI's re-INVITE reached the caller");
        meta.Received.ShouldContain(message => message.IsRequest("ACK"), "and its ACK");
        meta.Received.ShouldContain(message => message.IsRequest("BYE"), "and its BYE");
        far.Received.Last().IsResponse(200).ShouldBeTrue("the caller's 200 to the BYE came back to OpenAI");
    }

    [Fact]
    public async Task A_captured_Proxy_Authorization_does_not_admit_a_second_INVITE()
    {
        await using (var openAi = await edge.StartOpenAiAsync(Ct))
        {
            var meta = await edge.CallAsync("whatsapp-call.xml", "127.0.0.1",
                ["-s", EdgeFixture.BusinessNumber, "-au", EdgeFixture.BusinessNumber, "-ap", edge.Password, "-key", "caller", Caller, "-key", "wacid", "wacid.replay"], Ct);
            (await openAi.FinishAsync(TimeSpan.FromSeconds(10))).ExitCode.ShouldBe(0);
            meta.ExitCode.ShouldBe(0, meta.ToString());
            var credentials = meta.Messages.Last(message => !message.Received && message.IsRequest("INVITE")).Headers("Proxy-Authorization").ShouldHaveSingleItem();

            await using var later = await edge.StartOpenAiAsync(Ct);
            using var attacker = await RawSip.ConnectAsync("127.0.0.30", edge.TcpEndPoint, Ct);
            var invite = RawSip.Invite(EdgeFixture.BusinessNumber, $"127.0.0.1:{edge.TcpPort}", "TCP", "replayed-credentials")
                .Replace("Content-Length: 0", $"Proxy-Authorization: {credentials}\r\nContent-Length: 0", StringComparison.Ordinal);
            await attacker.GetStream().WriteAsync(Encoding.ASCII.GetBytes(invite), Ct);
            var answer = await RawSip.ReadUntilQuietAsync(attacker.GetStream(), TimeSpan.FromSeconds(2), Ct);

            RawSip.Count(answer, "SIP/2.0 407 ").ShouldBe(1, $"a used nonce is challenged again: {answer}");
            (await later.FinishAsync(TimeSpan.FromSeconds(1))).Received.ShouldBeEmpty("the replayed INVITE reached OpenAI");
        }
    }

    [Fact]
    public async Task A_WhatsApp_INVITE_reaches_OpenAI_attested_as_admitted_by_Metas_digest()
    {
        await using var openAi = await edge.StartOpenAiAsync(Ct);

        var meta = await edge.CallAsync("whatsapp-call.xml", "127.0.0.1",
            ["-s", EdgeFixture.BusinessNumber, "-au", EdgeFixture.BusinessNumber, "-ap", edge.Password, "-key", "caller", Caller, "-key", "wacid", "wacid.attested"], Ct);
        var far = await openAi.FinishAsync(TimeSpan.FromSeconds(10));

        meta.ExitCode.ShouldBe(0, meta.ToString());
        var invite = far.Received.Single(message => message.IsRequest("INVITE"));
        var attestation = Verify(invite);
        attestation.Failure.ShouldBe(AttestationFailure.None, invite.Text);
        attestation.Admission!.IsWhatsApp.ShouldBeTrue();
        edge.Log.ShouldNotContain(edge.AttestationKey);
    }

    [Fact]
    public async Task A_trunk_callers_own_X_EasyMo_Edge_is_replaced_by_the_edges_attestation_naming_the_trunk()
    {
        await using var openAi = await edge.StartOpenAiAsync(Ct);

        var carrier = await edge.CallAsync("trunk-call.xml", EdgeFixture.TrunkSource, ["-s", EdgeFixture.TrunkNumber, "-key", "caller", "+35699123456"], Ct);
        var far = await openAi.FinishAsync(TimeSpan.FromSeconds(10));

        carrier.ExitCode.ShouldBe(0, carrier.ToString());
        carrier.Messages.First(message => !message.Received && message.IsRequest("INVITE")).Headers("X-EasyMo-Edge").ShouldHaveSingleItem().ShouldContain("forged");
        var invite = far.Received.Single(message => message.IsRequest("INVITE"));
        invite.Headers("X-EasyMo-Edge").ShouldHaveSingleItem().ShouldNotContain("forged");
        var attestation = Verify(invite);
        attestation.Failure.ShouldBe(AttestationFailure.None, invite.Text);
        attestation.Admission!.Trunk.ShouldBe("go-mt");
        EdgeAttestation.Verify(Headers(invite), [Encoding.UTF8.GetBytes("another-key-entirely-0123456789abcdef")], DateTimeOffset.UtcNow)
            .Failure.ShouldBe(AttestationFailure.BadSignature);
    }

    [Fact]
    public async Task A_flood_spoofing_a_trunks_address_is_held_to_the_trunks_rate_and_does_not_lock_the_carrier_out()
    {
        const int flood = 80;
        using (var spoofer = new UdpClient(new IPEndPoint(IPAddress.Parse(EdgeFixture.TrunkSource), 0)))
        {
            var target = new IPEndPoint(IPAddress.Loopback, edge.UdpPort);
            var port = ((IPEndPoint)spoofer.Client.LocalEndPoint!).Port;
            for (var i = 0; i < flood; i++)
            {
                var datagram = Encoding.ASCII.GetBytes(RawSip.Options($"127.0.0.1:{edge.UdpPort}", "UDP", $"trunk-flood-{i}")
                    .Replace("127.0.0.1:5999", $"{EdgeFixture.TrunkSource}:{port}", StringComparison.Ordinal));
                await spoofer.SendAsync(datagram, target, Ct);
            }

            var answers = await ReceiveAllAsync(spoofer, TimeSpan.FromSeconds(1));
            answers.Count(answer => answer.StartsWith("SIP/2.0 503 ", StringComparison.Ordinal)).ShouldBeGreaterThan(0, "over the trunk's rate: 503");
            answers.Count(answer => answer.StartsWith("SIP/2.0 200 ", StringComparison.Ordinal))
                .ShouldBeLessThanOrEqualTo(EdgeFixture.TrunkRequestsPerSecond * 3, "the trunk's rate holds");
        }

        (await LogShowsAsync("EDGE_RATE_LIMITED trunk=go-mt")).ShouldBeTrue(edge.Log);
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct); // a new second: the trunk's rate is counted afresh; pike would still ignore it

        await using var openAi = await edge.StartOpenAiAsync(Ct);
        var carrier = await edge.CallAsync("trunk-call.xml", EdgeFixture.TrunkSource, ["-s", EdgeFixture.TrunkNumber, "-key", "caller", "+35699123457"], Ct);
        var far = await openAi.FinishAsync(TimeSpan.FromSeconds(10));

        carrier.ExitCode.ShouldBe(0, carrier.ToString());
        far.Received.ShouldContain(message => message.IsRequest("INVITE"), "the carrier's call went through right after the flood");
    }

    [Fact]
    public async Task A_source_over_its_rate_has_its_connection_closed()
    {
        using var flooder = await RawSip.ConnectAsync("127.0.0.40", edge.TcpEndPoint, Ct);
        var burst = new StringBuilder();
        for (var i = 0; i < 60; i++)
        {
            burst.Append(RawSip.Options($"127.0.0.1:{edge.TcpPort}", "TCP", $"conn-flood-{i}"));
        }

        var stream = flooder.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(burst.ToString()), Ct);
        await RawSip.ReadUntilQuietAsync(stream, TimeSpan.FromSeconds(2), Ct);

        var buffer = new byte[256];
        bool closed;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            closed = await stream.ReadAsync(buffer, timeout.Token) == 0;
        }
        catch (IOException)
        {
            closed = true;
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            closed = false;
        }

        closed.ShouldBeTrue("the edge closed the flooding connection");
        (await LogShowsAsync("EDGE_RATE_LIMITED source=127.0.0.40")).ShouldBeTrue(edge.Log);
    }

    /// <summary>Kamailio's log reaches the fixture through a pipe, a moment after the request that caused it.</summary>
    private async Task<bool> LogShowsAsync(string line)
    {
        for (var waited = 0; waited < 50 && !edge.Log.Contains(line, StringComparison.Ordinal); waited++)
        {
            await Task.Delay(100, Ct);
        }

        return edge.Log.Contains(line, StringComparison.Ordinal);
    }

    private AttestationResult Verify(SipMessage invite) =>
        EdgeAttestation.Verify(Headers(invite), [Encoding.UTF8.GetBytes(edge.AttestationKey)], DateTimeOffset.UtcNow);

    /// <summary>The INVITE's headers as OpenAI lists them in the webhook's <c>sip_headers</c>.</summary>
    private static List<SipHeader> Headers(SipMessage message) =>
    [
        .. message.Text.Split("\n\n", 2)[0].Split('\n').Skip(1)
            .Select(line => line.TrimEnd('\r'))
            .Where(line => line.Contains(':', StringComparison.Ordinal))
            .Select(line => new SipHeader(line[..line.IndexOf(':', StringComparison.Ordinal)].Trim(), line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())),
    ];

    private static string Request(string shape, string transport, string victim, string edgeAddress, string callId, string local)
    {
        var lines = shape.Replace("{victim}", victim, StringComparison.Ordinal)
            .Replace("{edge}", edgeAddress, StringComparison.Ordinal)
            .Replace("{t}", transport.ToLowerInvariant(), StringComparison.Ordinal)
            .Split('|');
        var method = lines[0].Split(' ')[0];
        var headers = new StringBuilder();
        headers.Append(lines[0]).Append("\r\n");
        headers.Append($"Via: SIP/2.0/{transport} {local}:5999;branch=z9hG4bK-{callId};rport\r\n");
        headers.Append("Max-Forwards: 70\r\n");
        headers.Append($"From: <sip:attacker@{local}>;tag=a1\r\n");
        foreach (var line in lines.Skip(1))
        {
            headers.Append(line).Append("\r\n");
        }

        headers.Append($"Call-ID: {callId}\r\nCSeq: 1 {method}\r\nContact: <sip:attacker@{local}:5999>\r\n");
        if (method == "SUBSCRIBE")
        {
            headers.Append("Event: presence\r\n");
        }

        return headers.Append("Content-Length: 0\r\n\r\n").ToString();
    }

    private async Task<string> SendAsync(string transport, string local, int port, string message)
    {
        var bytes = Encoding.ASCII.GetBytes(message);
        if (transport == "UDP")
        {
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Parse(local), 0));
            await udp.SendAsync(bytes, new IPEndPoint(IPAddress.Loopback, port), Ct);
            return string.Concat(await ReceiveAllAsync(udp, TimeSpan.FromSeconds(1)));
        }

        using var client = await RawSip.ConnectAsync(local, new IPEndPoint(IPAddress.Loopback, port), Ct);
        if (transport == "TCP")
        {
            await client.GetStream().WriteAsync(bytes, Ct);
            return await RawSip.ReadUntilQuietAsync(client.GetStream(), TimeSpan.FromSeconds(1), Ct);
        }

        await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true); // the edge's certificate is checked elsewhere
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = EdgeFixture.Host }, Ct);
        await tls.WriteAsync(bytes, Ct);
        return await RawSip.ReadUntilQuietAsync(tls, TimeSpan.FromSeconds(1), Ct);
    }

    private static async Task<List<string>> ReceiveAllAsync(UdpClient udp, TimeSpan quiet)
    {
        var received = new List<string>();
        while (true)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(quiet);
            try
            {
                var datagram = await udp.ReceiveAsync(timeout.Token);
                received.Add(Encoding.ASCII.GetString(datagram.Buffer));
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                return received;
            }
        }
    }

    /// <summary>Where an attacker wants the edge to send: a TCP and a UDP listener on loopback that record anything.</summary>
    private sealed class Victim : IDisposable
    {
        private readonly TcpListener tcp;
        private readonly UdpClient udp;
        private readonly CancellationTokenSource stop = new();
        private readonly List<string> received = [];

        /// <summary>TCP and UDP on one port, so that whatever transport the edge picks for the victim's address reaches it.</summary>
        public Victim()
        {
            while (true)
            {
                tcp = new TcpListener(IPAddress.Loopback, 0);
                tcp.Start();
                try
                {
                    udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)tcp.LocalEndpoint).Port));
                    break;
                }
                catch (SocketException)
                {
                    tcp.Stop();
                }
            }

            _ = AcceptAsync();
            _ = ReceiveAsync();
        }

        public IReadOnlyList<string> Received
        {
            get
            {
                lock (received)
                {
                    return [.. received];
                }
            }
        }

        public string Address => $"127.0.0.1:{((IPEndPoint)tcp.LocalEndpoint).Port}";

        public void Dispose()
        {
            stop.Cancel();
            tcp.Stop();
            udp.Dispose();
            stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var client = await tcp.AcceptTcpClientAsync(stop.Token);
                    Record("connection");
                    _ = Task.Run(async () =>
                    {
                        using (client)
                        {
                            var text = await RawSip.ReadUntilQuietAsync(client.GetStream(), TimeSpan.FromSeconds(2), stop.Token);
                            Record(text);
                        }
                    });
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // stopped
            }
        }

        private async Task ReceiveAsync()
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var datagram = await udp.ReceiveAsync(stop.Token);
                    Record(Encoding.ASCII.GetString(datagram.Buffer));
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // stopped
            }
        }

        private void Record(string what)
        {
            lock (received)
            {
                received.Add(what);
            }
        }
    }
}
