using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using EasyMo.Operator.SipEdge;

namespace EasyMo.SipEdgeTests.Infrastructure;

/// <summary>
/// The edge as <c>deploy/sip-edge/host/easymo-sip-edge.service</c> runs it: its <c>ExecStartPre</c>, <c>ExecStart</c> and
/// <c>ExecReload</c> read from the unit and run as written, with only the paths moved into a temporary directory (the
/// configuration, the runtime and state directories, the helper as shipped in the repository). A stop is what the unit's
/// <c>KillMode=mixed</c> does: SIGTERM to Kamailio's main process. The callers and OpenAI talk UDP to it, so that SIPp
/// (which cannot follow a TCP peer that restarts) can hold a call across a restart; TLS is checked with raw connections.
/// </summary>
public sealed partial class HostEdgeFixture : IAsyncLifetime
{
    public const string Host = "edge.test";
    public const string ProjectId = "proj_hostTest01";
    public const string BusinessNumber = "+250788000007";
    private const string UnitHelper = "/usr/local/sbin/easymo-sip-edge-ctl";
    private const string UnitRuntimeDirectory = "/run/easymo-sip-edge";

    private readonly List<(Process Process, StringBuilder Output)> instances = [];
    private string restoreKey = string.Empty;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("easymo-sip-edge-host-").FullName;

    public string Password { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    public string AttestationKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public int TcpPort { get; private set; } = SipTools.FreeTcpPort();

    public int TlsPort { get; private set; } = SipTools.FreeTcpPort();

    public int UdpPort { get; private set; } = SipTools.FreeUdpPort();

    public int OpenAiPort { get; private set; } = SipTools.FreeUdpPort();

    public string ConfigPath => Path.Combine(Directory, KamailioFiles.KamailioCfgName);

    public string CertificatePath => Path.Combine(Directory, "edge.crt");

    public string KeyPath => Path.Combine(Directory, "edge.key");

    public string RuntimeDirectory => Path.Combine(Directory, "run");

    public string StateDirectory => Path.Combine(Directory, "state");

    /// <summary>The unit as shipped (copied beside the tests from <c>deploy/sip-edge/host</c>).</summary>
    internal static SystemdUnit Unit => SystemdUnit.Load(SipTools.HostFile("easymo-sip-edge.service"));

    public X509Certificate2? Certificate { get; private set; }

    public IPEndPoint UdpEndPoint => new(IPAddress.Loopback, UdpPort);

    /// <summary>The main process of the running Kamailio.</summary>
    public int ProcessId => instances[^1].Process.Id;

    /// <summary>What every Kamailio started so far logged.</summary>
    public string Log => string.Join("\n", instances.Select(instance => Read(instance.Output)));

    /// <summary>What the Kamailio running now logged.</summary>
    public string InstanceLog => Read(instances[^1].Output);

    public SipEdgeOptions Options() => new()
    {
        Host = Host,
        ListenAddress = "127.0.0.1",
        TlsPort = TlsPort,
        TcpPort = TcpPort,
        UdpPort = UdpPort,
        TlsCertificate = CertificatePath,
        TlsPrivateKey = KeyPath,
        // One certificate instead of the system's bundle: every process loads the CA list again on each reload, which
        // takes seconds on a loaded machine (the edge verifies no TLS peer here: OpenAI's side is UDP).
        TlsCaList = Path.Combine(Directory, "ca.pem"),
        RequestsPerSecondPerSource = 200,
        Children = 2,
        Upstream = $"sip:127.0.0.1:{OpenAiPort};transport=udp",
        AllowCleartextUpstream = true, // SIPp plays OpenAI and has no TLS
        WhatsAppNumbers = [new WhatsAppSipNumber { Number = BusinessNumber, Password = Password }],
        RuntimeDirectory = RuntimeDirectory,
        StateDirectory = StateDirectory,
    };

    public async ValueTask InitializeAsync()
    {
        Certificate = WriteCertificate();
        await File.WriteAllTextAsync(Path.Combine(Directory, "ca.pem"), Certificate.ExportCertificatePem());
        System.IO.Directory.CreateDirectory(RuntimeDirectory); // the unit's RuntimeDirectory= and StateDirectory=, made by systemd
        System.IO.Directory.CreateDirectory(StateDirectory);
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var files = KamailioConfig.Render(Options(), ProjectId, AttestationKey, "host test edge");
            await File.WriteAllTextAsync(ConfigPath, files.KamailioCfg);
            await File.WriteAllTextAsync(Path.Combine(Directory, KamailioFiles.TlsCfgName), files.TlsCfg);
            if (await TryStartAsync(TimeSpan.FromSeconds(60)))
            {
                return;
            }

            if (attempt == attempts)
            {
                throw new InvalidOperationException($"Kamailio did not start as the unit starts it ({attempts} attempts):\n{Log}");
            }

            await StopAsync(kill: true);
            (TcpPort, TlsPort, UdpPort, OpenAiPort) = (SipTools.FreeTcpPort(), SipTools.FreeTcpPort(), SipTools.FreeUdpPort(), SipTools.FreeUdpPort());
        }
    }

    /// <summary>The unit's <c>ExecReload</c>.</summary>
    internal Task<ProcessResult> ReloadAsync() => RunUnitAsync("Service.ExecReload");

    /// <summary>
    /// <c>systemctl restart</c>: SIGTERM to the main process, wait for it to end, then <c>ExecStartPre</c> and
    /// <c>ExecStart</c>. With <paramref name="crash"/>, every process is killed instead (SIGKILL), as a crash or the OOM
    /// killer would, before systemd's <c>Restart=on-failure</c> starts it again. Returns when the old Kamailio had ended.
    /// </summary>
    public async Task<DateTime> RestartAsync(bool crash = false)
    {
        await StopAsync(kill: crash);
        var stopped = DateTime.Now;
        if (!await TryStartAsync(TimeSpan.FromSeconds(60)))
        {
            throw new InvalidOperationException($"Kamailio did not start again:\n{InstanceLog}");
        }

        return stopped;
    }

    /// <summary>The dialogs Kamailio holds in the state "ongoing" (confirmed), from the helper's <c>calls</c>.</summary>
    public async Task<int> OngoingCallsAsync()
    {
        var calls = await RunHelperAsync("calls");
        var match = OngoingCount().Match(calls.Output);
        return calls.ExitCode == 0 && match.Success
            ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"easymo-sip-edge-ctl calls: {calls}");
    }

    /// <summary>Waits until Kamailio holds more ongoing calls than <paramref name="before"/>: a call set up and acknowledged.</summary>
    public async Task WaitForOngoingCallAsync(int before, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await OngoingCallsAsync() <= before)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no call was established through the edge within {timeout.TotalSeconds} s:\n{InstanceLog}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    internal Task<SippResult> CallAsync(string scenario, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        Sipp.CallAsync(scenario, UdpEndPoint, "127.0.0.1", Directory, arguments, cancellationToken, udp: true, runFor: TimeSpan.FromSeconds(90));

    /// <summary>OpenAI's side over UDP, sending everything to the edge (<c>-rsa</c>), whoever sent its cue.</summary>
    internal Task<OpenAiPeer> StartOpenAiAsync(string scenario, CancellationToken cancellationToken) =>
        OpenAiPeer.StartAsync(OpenAiPort, Directory, cancellationToken, scenario, udp: true, ["-rsa", $"127.0.0.1:{UdpPort}"]);

    /// <summary>
    /// The arguments of a held call (<c>whatsapp-call-held.xml</c>): Meta's credentials, the timeouts of a call that lasts
    /// seconds, and the Call-ID <paramref name="callId"/> (<c>-cid_str</c>), by which the test cues OpenAI's side.
    /// </summary>
    internal string[] HeldCallArguments(string wacid, string callId, int receiveTimeoutSeconds = 30) =>
    [
        "-s", BusinessNumber, "-au", BusinessNumber, "-ap", Password, "-key", "caller", "+250788123456", "-key", "wacid", wacid,
        "-timeout", "60s", "-recv_timeout", (receiveTimeoutSeconds * 1000).ToString(CultureInfo.InvariantCulture),
        "-cid_str", callId.Replace("%", "%%", StringComparison.Ordinal),
    ];

    /// <summary>
    /// Tells OpenAI's side (<c>openai-refreshes-when-told.xml</c>) to refresh the call now: an OPTIONS with the call's
    /// Call-ID sent straight to it, not through the edge, in one datagram.
    /// </summary>
    internal async Task CueOpenAiAsync(string callId, CancellationToken cancellationToken)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var cue = RawSip.Options($"127.0.0.1:{OpenAiPort}", "UDP", callId)
            .Replace("127.0.0.1:5999", $"127.0.0.1:{((IPEndPoint)udp.Client.LocalEndPoint!).Port}", StringComparison.Ordinal);
        await udp.SendAsync(Encoding.ASCII.GetBytes(cue), new IPEndPoint(IPAddress.Loopback, OpenAiPort), cancellationToken);
    }

    /// <summary>A new self-signed certificate for <see cref="Host"/> written over the edge's files (a renewal), or back.</summary>
    public X509Certificate2 RenewCertificate() => WriteCertificate();

    public async Task RestoreCertificateAsync()
    {
        await File.WriteAllTextAsync(CertificatePath, Certificate!.ExportCertificatePem());
        await File.WriteAllTextAsync(KeyPath, restoreKey);
        var reload = await ReloadAsync();
        if (reload.ExitCode != 0)
        {
            throw new InvalidOperationException($"the original certificate could not be reloaded: {reload}\n{InstanceLog[^Math.Min(InstanceLog.Length, 3000)..]}");
        }
    }

    /// <summary>A TLS connection to the edge, with the certificate the edge presented.</summary>
    internal async Task<(SslStream Stream, X509Certificate2 Certificate)> ConnectTlsAsync(CancellationToken cancellationToken)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, TlsPort, cancellationToken);
        X509Certificate2? presented = null;
        var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) =>
        {
            presented = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return true; // self-signed: the test compares it with the file it wrote
        });
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = Host }, cancellationToken);
        return (tls, presented ?? throw new InvalidOperationException("the edge presented no certificate"));
    }

    /// <summary>Sends an OPTIONS to the edge itself on <paramref name="stream"/> and returns what came back (empty: nothing, closed).</summary>
    internal async Task<string> OptionsAsync(Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(RawSip.Options($"127.0.0.1:{TlsPort}", "TLS", $"ping-{Guid.NewGuid():N}")), cancellationToken);
        }
        catch (IOException)
        {
            return string.Empty;
        }

        return await RawSip.ReadUntilQuietAsync(stream, TimeSpan.FromSeconds(2), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(kill: false);
        foreach (var (process, _) in instances)
        {
            process.Dispose();
        }

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

    internal Task<ProcessResult> RunHelperAsync(string verb) =>
        SipTools.RunAsync(SipTools.Bash, [SipTools.HostFile("easymo-sip-edge-ctl"), verb], TimeSpan.FromSeconds(120), CancellationToken.None, UnitEnvironment());

    private async Task<bool> TryStartAsync(TimeSpan timeout)
    {
        var prepare = await RunUnitAsync("Service.ExecStartPre");
        if (prepare.ExitCode != 0)
        {
            throw new InvalidOperationException($"ExecStartPre failed: {prepare}");
        }

        var command = Unit.Command("Service.ExecStart", UnitEnvironment())
            .Select(word => word.Replace(UnitRuntimeDirectory, RuntimeDirectory, StringComparison.Ordinal))
            .ToList();
        var process = SipTools.Start(command[0], command.Skip(1), out var output);
        instances.Add((process, output));

        var deadline = DateTime.UtcNow + timeout;
        while (!await AnswersOptionsAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    private async Task StopAsync(bool kill)
    {
        if (instances.Count == 0 || instances[^1].Process.HasExited)
        {
            return;
        }

        var process = instances[^1].Process;
        if (kill)
        {
            process.Kill(entireProcessTree: true);
        }
        else
        {
            // KillMode=mixed: SIGTERM to the main process only; it stops its children and writes the dialogs.
            var term = await SipTools.RunAsync("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10), CancellationToken.None);
            if (term.ExitCode != 0)
            {
                throw new InvalidOperationException($"kill -TERM failed: {term}");
            }
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // the unit's TimeoutStopSec
        await process.WaitForExitAsync(stop.Token);
        process.WaitForExit();
    }

    /// <summary>Runs one of the unit's <c>Exec*</c> commands that call the helper, with the helper from the repository.</summary>
    private Task<ProcessResult> RunUnitAsync(string key)
    {
        var command = Unit.Command(key, UnitEnvironment()).ToList();
        if (command[0] != UnitHelper)
        {
            throw new InvalidOperationException($"{key} runs {command[0]}, not {UnitHelper}: the test runs the helper in its place.");
        }

        return SipTools.RunAsync(SipTools.Bash, [SipTools.HostFile("easymo-sip-edge-ctl"), .. command.Skip(1)], TimeSpan.FromSeconds(120), CancellationToken.None, UnitEnvironment());
    }

    private Dictionary<string, string> UnitEnvironment() => new() { ["EASYMO_SIP_EDGE_CONFIG"] = ConfigPath };

    private async Task<bool> AnswersOptionsAsync()
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var request = Encoding.ASCII.GetBytes(RawSip.Options($"127.0.0.1:{UdpPort}", "UDP", $"ready-{Guid.NewGuid():N}")
            .Replace("127.0.0.1:5999", $"127.0.0.1:{((IPEndPoint)udp.Client.LocalEndPoint!).Port}", StringComparison.Ordinal));
        await udp.SendAsync(request, UdpEndPoint);
        using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        try
        {
            var answer = await udp.ReceiveAsync(wait.Token);
            return Encoding.ASCII.GetString(answer.Buffer).StartsWith("SIP/2.0 200 ", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            return false;
        }
    }

    private X509Certificate2 WriteCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={Host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(Host);
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var keyPem = key.ExportPkcs8PrivateKeyPem();
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, keyPem);
        if (restoreKey.Length == 0)
        {
            restoreKey = keyPem;
        }

        return certificate;
    }

    private static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    [GeneratedRegex(@"ongoing:\s*([0-9]+)")]
    private static partial Regex OngoingCount();
}

[CollectionDefinition(Name)]
public sealed class HostEdgeCollection : ICollectionFixture<HostEdgeFixture>
{
    public const string Name = "sip-edge-host";
}
