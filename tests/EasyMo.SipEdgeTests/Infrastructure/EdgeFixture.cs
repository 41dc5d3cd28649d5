using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EasyMo.Operator.SipEdge;

namespace EasyMo.SipEdgeTests.Infrastructure;

/// <summary>
/// A real Kamailio running the configuration that <see cref="KamailioConfig"/> renders, on loopback: TLS with a
/// certificate made here, a TCP listener for the SIPp legs (Debian's SIPp has no TLS), one WhatsApp business number
/// and one carrier trunk, relaying to <see cref="OpenAiPort"/> where a test starts OpenAI's side.
/// </summary>
public sealed class EdgeFixture : IAsyncLifetime
{
    public const string Host = "edge.test";
    public const string ProjectId = "proj_edgeTest01";
    public const string BusinessNumber = "+250788000001";
    public const string OtherBusinessNumber = "+35699000002";
    public const string TrunkNumber = "+35621000000";
    public const string TrunkSource = "127.0.0.3";
    public const int RequestsPerSecond = 10;
    public const int TrunkRequestsPerSecond = 20;

    private Process? kamailio;
    private StringBuilder kamailioOutput = new();

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("easymo-sip-edge-").FullName;

    /// <summary>Meta's generated password of <see cref="BusinessNumber"/> (generated per run; it holds a '$' on purpose).</summary>
    public string Password { get; } = "wa$" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    public string OtherPassword { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    /// <summary>The key the edge signs its attestations with (generated per run).</summary>
    public string AttestationKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public int TcpPort { get; private set; } = SipTools.FreeTcpPort();

    public int TlsPort { get; private set; } = SipTools.FreeTcpPort();

    public int OpenAiPort { get; private set; } = SipTools.FreeTcpPort();

    /// <summary>A UDP listener as well (as for a trunk that only speaks UDP), so every listener can be attacked.</summary>
    public int UdpPort { get; private set; } = SipTools.FreeUdpPort();

    public IPEndPoint TcpEndPoint => new(IPAddress.Loopback, TcpPort);

    public X509Certificate2? Certificate { get; private set; }

    public KamailioFiles? Files { get; private set; }

    /// <summary>What Kamailio has logged so far (its stderr, <c>-E</c>).</summary>
    public string Log
    {
        get
        {
            lock (kamailioOutput)
            {
                return kamailioOutput.ToString();
            }
        }
    }

    public bool IsRunning => kamailio is { HasExited: false };

    public SipEdgeOptions Options() => new()
    {
        Host = Host,
        ListenAddress = "127.0.0.1",
        TlsPort = TlsPort,
        TcpPort = TcpPort,
        UdpPort = UdpPort,
        TlsCertificate = Path.Combine(Directory, "edge.crt"),
        TlsPrivateKey = Path.Combine(Directory, "edge.key"),
        RequestsPerSecondPerSource = RequestsPerSecond,
        Children = 2,
        Upstream = $"sip:127.0.0.1:{OpenAiPort};transport=tcp",
        AllowCleartextUpstream = true, // SIPp plays OpenAI and has no TLS
        WhatsAppNumbers =
        [
            new WhatsAppSipNumber { Number = BusinessNumber, Password = Password },
            new WhatsAppSipNumber { Number = OtherBusinessNumber, Password = OtherPassword },
        ],
        Trunks = [new SipTrunk { Name = "go-mt", Sources = [TrunkSource], Numbers = [TrunkNumber], RequestsPerSecond = TrunkRequestsPerSecond }],
        RuntimeDirectory = Path.Combine(Directory, "run"),
        StateDirectory = Path.Combine(Directory, "state"),
    };

    public async ValueTask InitializeAsync()
    {
        Certificate = WriteCertificate(Path.Combine(Directory, "edge.crt"), Path.Combine(Directory, "edge.key"));

        // A port picked free can be taken by a parallel test run before Kamailio binds it: then try again with new ports.
        // The deadline is generous because CI runs the test projects side by side on two cores.
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            if (await TryStartAsync(TimeSpan.FromSeconds(60)))
            {
                return;
            }

            if (attempt == attempts)
            {
                throw new InvalidOperationException($"Kamailio did not start from the rendered configuration ({attempts} attempts):\n{Log}");
            }

            await StopAsync();
            (TcpPort, TlsPort, OpenAiPort, UdpPort) = (SipTools.FreeTcpPort(), SipTools.FreeTcpPort(), SipTools.FreeTcpPort(), SipTools.FreeUdpPort());
        }
    }

    private async Task<bool> TryStartAsync(TimeSpan timeout)
    {
        Files = KamailioConfig.Render(Options(), ProjectId, AttestationKey, "test edge");
        var config = Path.Combine(Directory, KamailioFiles.KamailioCfgName);
        await File.WriteAllTextAsync(config, Files.KamailioCfg);
        await File.WriteAllTextAsync(Path.Combine(Directory, KamailioFiles.TlsCfgName), Files.TlsCfg);

        // What the unit does before Kamailio starts (deploy/sip-edge/host): the check, the dialog store, in the directories
        // systemd would create.
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "run"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "state"));
        var prepare = await SipTools.RunAsync(SipTools.Bash, [SipTools.HostFile("easymo-sip-edge-ctl"), "prepare"], TimeSpan.FromSeconds(60),
            CancellationToken.None, new Dictionary<string, string> { ["EASYMO_SIP_EDGE_CONFIG"] = config });
        if (prepare.ExitCode != 0)
        {
            throw new InvalidOperationException($"easymo-sip-edge-ctl prepare failed: {prepare}");
        }

        kamailio = SipTools.Start(SipTools.Kamailio,
            ["-f", config, "-DD", "-E", "-m", "64", "-M", "8", "-P", Path.Combine(Directory, "kamailio.pid"), "-w", Directory, "-Y", Directory],
            out kamailioOutput);

        var deadline = DateTime.UtcNow + timeout;
        while (!await AnswersOptionsAsync() || !await AnswersAsync(TlsPort))
        {
            if (kamailio.HasExited || DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    private async Task StopAsync()
    {
        if (kamailio is null)
        {
            return;
        }

        if (!kamailio.HasExited)
        {
            kamailio.Kill(entireProcessTree: true);
            await kamailio.WaitForExitAsync(CancellationToken.None);
        }

        kamailio.Dispose();
        kamailio = null;
    }

    /// <summary>Plays a caller's SIPp scenario against the edge's TCP listener.</summary>
    internal Task<SippResult> CallAsync(string scenario, string localAddress, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        Sipp.CallAsync(scenario, TcpEndPoint, localAddress, Directory, arguments, cancellationToken);

    internal Task<OpenAiPeer> StartOpenAiAsync(CancellationToken cancellationToken, string scenario = "openai-answers.xml") =>
        OpenAiPeer.StartAsync(OpenAiPort, Directory, cancellationToken, scenario);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Certificate?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a SIPp child still closing a file: the temp directory is left behind
        }
    }

    /// <summary>Ready means answering SIP, not only accepting connections (the listeners exist before the workers do).</summary>
    private async Task<bool> AnswersOptionsAsync()
    {
        try
        {
            using var client = await RawSip.ConnectAsync("127.0.0.1", TcpEndPoint, CancellationToken.None);
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(RawSip.Options($"127.0.0.1:{TcpPort}", "TCP", $"ready-{Guid.NewGuid():N}")));
            var answer = await RawSip.ReadUntilQuietAsync(client.GetStream(), TimeSpan.FromMilliseconds(500), CancellationToken.None);
            return answer.StartsWith("SIP/2.0 200 ", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A throwaway self-signed certificate for <see cref="Host"/>, as PEM files for Kamailio.</summary>
    private static X509Certificate2 WriteCertificate(string certificatePath, string keyPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={Host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(Host);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return certificate;
    }

    internal static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
