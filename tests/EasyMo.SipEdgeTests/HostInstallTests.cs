using System.Globalization;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using EasyMo.Operator.SipEdge;
using EasyMo.SipEdgeTests.Infrastructure;

namespace EasyMo.SipEdgeTests;

/// <summary>
/// The edge's host files as shipped in <c>deploy/sip-edge/host</c>: the units checked by systemd's own tools (no systemd
/// needs to run), the commands they run checked against Kamailio and against what the render and install.sh write, the
/// scripts by ShellCheck, and install.sh run into a directory (<c>--root</c>), where it changes nothing on this machine.
/// </summary>
[SupportedOSPlatform("linux")] // a Debian host
public sealed partial class HostInstallTests : IDisposable
{
    private const string ProjectId = "proj_hostInstall01";
    private const string Helper = "/usr/local/sbin/easymo-sip-edge-ctl";

    private readonly string directory = Directory.CreateTempSubdirectory("easymo-host-install-").FullName;
    private readonly string attestationKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly string password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SystemdUnit Edge => SystemdUnit.Load(SipTools.HostFile("easymo-sip-edge.service"));

    private static SystemdUnit Firewall => SystemdUnit.Load(SipTools.HostFile("easymo-sip-edge-firewall.service"));

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task The_units_pass_systemd_analyze_verify_with_nothing_to_report()
    {
        var units = WritableUnits();

        var verify = await SipTools.RunAsync(SipTools.SystemdAnalyze, ["verify", .. units], TimeSpan.FromSeconds(60), Ct);

        verify.ExitCode.ShouldBe(0, verify.Output);
        verify.Output.Trim().ShouldBeEmpty("systemd-analyze verify warns about nothing");
    }

    [Fact]
    public async Task The_same_check_reports_a_unit_with_a_mistake_so_its_silence_means_something()
    {
        var units = WritableUnits();
        await File.AppendAllTextAsync(units[0], "\n[Service]\nExecStartPost=/nonexistent/easymo\nRestartSecs=2\n", Ct);

        var verify = await SipTools.RunAsync(SipTools.SystemdAnalyze, ["verify", units[0]], TimeSpan.FromSeconds(60), Ct);

        verify.Output.ShouldContain("/nonexistent/easymo");
        verify.Output.ShouldContain("RestartSecs");
    }

    [Theory]
    [InlineData("easymo-sip-edge.service")]
    [InlineData("easymo-sip-edge-firewall.service")]
    public async Task Systemd_rates_the_units_sandbox_OK(string name)
    {
        var unit = WritableUnits().Single(path => Path.GetFileName(path) == name);

        var security = await SipTools.RunAsync(SipTools.SystemdAnalyze, ["security", "--offline=yes", unit], TimeSpan.FromSeconds(60), Ct);

        var exposure = Exposure().Match(security.Output);
        exposure.Success.ShouldBeTrue(security.Output);
        double.Parse(exposure.Groups[1].Value, CultureInfo.InvariantCulture).ShouldBeLessThanOrEqualTo(4.0, security.Output);
    }

    [Fact]
    public void The_edge_unit_runs_Kamailio_as_kamailio_in_the_foreground_with_only_its_own_directories_writable()
    {
        var unit = Edge;

        unit.Value("Service.Type").ShouldBe("simple");
        unit.Value("Service.User").ShouldBe("kamailio");
        unit.Value("Service.Group").ShouldBe("kamailio");
        unit.Value("Service.NoNewPrivileges").ShouldBe("yes");
        unit.Value("Service.ProtectSystem").ShouldBe("strict");
        unit.Value("Service.ProtectHome").ShouldBe("yes");
        unit.Value("Service.PrivateTmp").ShouldBe("yes");
        unit.Value("Service.CapabilityBoundingSet").ShouldBe(string.Empty, "the default ports need no capability");
        unit.Value("Service.AmbientCapabilities").ShouldBe(string.Empty);
        unit.Value("Service.LimitNOFILE").ShouldBe("65536");
        unit.Value("Service.LimitCORE").ShouldBe("0", "a core dump would hold the attestation key");
        unit.Value("Service.Restart").ShouldBe("on-failure");
        unit.Value("Service.KillMode").ShouldBe("mixed", "SIGTERM to the main process, which writes the dialogs");
        unit.Keys.ShouldNotContain("Service.ReadWritePaths", "RuntimeDirectory and StateDirectory are the only places it writes");
        ("/run/" + unit.Value("Service.RuntimeDirectory")).ShouldBe(new SipEdgeOptions().RuntimeDirectory, "the render's default control socket directory");
        ("/var/lib/" + unit.Value("Service.StateDirectory")).ShouldBe(new SipEdgeOptions().StateDirectory, "the render's default dialog store");
        unit.Value("Unit.Conflicts").ShouldBe("kamailio.service");
        unit.Value("Install.WantedBy").ShouldBe("multi-user.target");
    }

    [Fact]
    public async Task The_edge_units_commands_are_the_helper_install_sh_installs_and_Kamailio_with_flags_it_knows()
    {
        var unit = Edge;
        var start = unit.Command("Service.ExecStart");
        var help = await SipTools.RunAsync(start[0], ["-h"], TimeSpan.FromSeconds(30), Ct);
        var install = await File.ReadAllTextAsync(SipTools.HostFile("install.sh"), Ct);

        File.Exists(start[0]).ShouldBeTrue($"{start[0]} is Debian's kamailio");
        start.ShouldBe(["/usr/sbin/kamailio", "-DD", "-E", "-f", "/etc/kamailio/easymo/kamailio.cfg", "-m", "256", "-M", "8", "-Y", "/run/easymo-sip-edge"]);
        foreach (var flag in start.Where(word => word.StartsWith('-')).Select(word => word[..2]))
        {
            help.Output.ShouldContain($"    {flag} ", customMessage: $"kamailio -h lists {flag}");
        }

        help.Output.ShouldContain("-DD..do not daemonize creator");
        unit.Command("Service.ExecStartPre").ShouldBe([Helper, "prepare"]);
        unit.Command("Service.ExecReload").ShouldBe([Helper, "reload"]);
        install.ShouldContain("\"$root/usr/local/sbin/easymo-sip-edge-ctl\"");
        install.ShouldContain("config_dir=/etc/kamailio/easymo\n");
        (await File.ReadAllTextAsync(SipTools.HostFile("easymo-sip-edge-ctl"), Ct)).ShouldContain("config=${EASYMO_SIP_EDGE_CONFIG:-/etc/kamailio/easymo/kamailio.cfg}");
    }

    [Fact]
    public void The_firewall_unit_loads_the_rendered_ruleset_and_removes_only_its_own_table()
    {
        var unit = Firewall;

        unit.Command("Service.ExecStart").ShouldBe(["/usr/sbin/nft", "-f", $"/etc/kamailio/easymo/{KamailioFiles.FirewallName}"]);
        unit.Command("Service.ExecReload").ShouldBe(["/usr/sbin/nft", "-f", $"/etc/kamailio/easymo/{KamailioFiles.FirewallName}"]);
        unit.Command("Service.ExecStop").ShouldBe(["/usr/sbin/nft", "delete", "table", "inet", EdgeFirewall.TableName]);
        unit.Value("Service.Type").ShouldBe("oneshot");
        unit.Value("Service.RemainAfterExit").ShouldBe("yes");
        unit.Value("Unit.PartOf").ShouldBe("nftables.service", "loaded again when nftables.service restarts and flushes the ruleset");
        unit.Value("Unit.ReloadPropagatedFrom").ShouldBe("nftables.service", "and when it reloads");
        unit.Value("Unit.After").ShouldBe("nftables.service");
        unit.Value("Service.CapabilityBoundingSet").ShouldBe("CAP_NET_ADMIN");
        Edge.Value("Unit.Wants").ShouldNotBeNull().ShouldContain("easymo-sip-edge-firewall.service");
    }

    [Theory]
    [InlineData("install.sh")]
    [InlineData("easymo-sip-edge-ctl")]
    public async Task The_scripts_are_ShellCheck_clean_and_stop_at_the_first_error(string script)
    {
        var path = SipTools.HostFile(script);

        var check = await SipTools.RunAsync(SipTools.ShellCheck, ["--severity=style", path], TimeSpan.FromSeconds(60), Ct);

        check.ExitCode.ShouldBe(0, check.Output);
        (await File.ReadAllTextAsync(path, Ct)).ShouldContain("\nset -euo pipefail\n");
    }

    [Fact]
    public async Task Installing_into_a_root_puts_each_file_in_place_enables_the_units_and_masks_Debians_kamailio()
    {
        var rendered = await RenderAsync(Options());
        var root = Root();

        var install = await InstallAsync(["--from", rendered, "--root", root]);

        install.ExitCode.ShouldBe(0, install.Output);
        foreach (var file in new[] { KamailioFiles.KamailioCfgName, KamailioFiles.TlsCfgName, KamailioFiles.FirewallName })
        {
            var installed = Path.Combine(root, "etc/kamailio/easymo", file);
            (await File.ReadAllTextAsync(installed, Ct)).ShouldBe(await File.ReadAllTextAsync(Path.Combine(rendered, file), Ct));
            File.GetUnixFileMode(installed).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite, $"{file} holds secrets or rules: owner only");
        }

        File.GetUnixFileMode(Path.Combine(root, "usr/local/sbin/easymo-sip-edge-ctl")).HasFlag(UnixFileMode.UserExecute).ShouldBeTrue();
        (await File.ReadAllTextAsync(Path.Combine(root, "etc/systemd/system/easymo-sip-edge.service"), Ct))
            .ShouldBe(await File.ReadAllTextAsync(SipTools.HostFile("easymo-sip-edge.service"), Ct));
        new FileInfo(Path.Combine(root, "etc/systemd/system/multi-user.target.wants/easymo-sip-edge.service")).LinkTarget.ShouldBe("/etc/systemd/system/easymo-sip-edge.service");
        new FileInfo(Path.Combine(root, "etc/systemd/system/multi-user.target.wants/easymo-sip-edge-firewall.service")).LinkTarget.ShouldBe("/etc/systemd/system/easymo-sip-edge-firewall.service");
        new FileInfo(Path.Combine(root, "etc/systemd/system/kamailio.service")).LinkTarget.ShouldBe("/dev/null", "Debian's kamailio.service is masked");
        File.Exists(Path.Combine(root, "etc/systemd/system/easymo-sip-edge.service.d/low-ports.conf")).ShouldBeFalse("5061 needs no capability");
        install.Output.ShouldContain("kamailio.cfg: ok", customMessage: "kamailio -c ran on the render");
    }

    [Fact]
    public async Task Installing_the_same_render_again_changes_nothing()
    {
        var rendered = await RenderAsync(Options());
        var root = Root();
        (await InstallAsync(["--from", rendered, "--root", root])).ExitCode.ShouldBe(0);
        var before = Snapshot(root);

        var again = await InstallAsync(["--from", rendered, "--root", root]);

        again.ExitCode.ShouldBe(0, again.Output);
        again.Output.ShouldContain("configuration unchanged");
        again.Output.ShouldNotContain("installed /");
        Snapshot(root).ShouldBe(before, "no file written again");
        Directory.Exists(Path.Combine(root, "etc/kamailio/easymo/previous")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_new_render_is_installed_with_the_previous_one_kept_beside_it()
    {
        var root = Root();
        var first = await RenderAsync(Options());
        (await InstallAsync(["--from", first, "--root", root])).ExitCode.ShouldBe(0);
        var second = await RenderAsync(Options(options => options.Trunks = [new SipTrunk { Name = "go-mt", Sources = ["62.3.4.5"], Numbers = ["+35621000000"] }]));

        var install = await InstallAsync(["--from", second, "--root", root]);

        install.ExitCode.ShouldBe(0, install.Output);
        (await File.ReadAllTextAsync(Path.Combine(root, "etc/kamailio/easymo/kamailio.cfg"), Ct)).ShouldContain("Trunk go-mt");
        (await File.ReadAllTextAsync(Path.Combine(root, "etc/kamailio/easymo/previous/kamailio.cfg"), Ct))
            .ShouldBe(await File.ReadAllTextAsync(Path.Combine(first, "kamailio.cfg"), Ct));
        (await File.ReadAllTextAsync(Path.Combine(root, "etc/kamailio/easymo/easymo-sip-edge.nft"), Ct)).ShouldContain("62.3.4.5");
    }

    [Fact]
    public async Task A_render_that_fails_kamailio_c_is_not_installed_and_the_installed_configuration_stays()
    {
        var root = Root();
        var good = await RenderAsync(Options());
        (await InstallAsync(["--from", good, "--root", root])).ExitCode.ShouldBe(0);
        var bad = await RenderAsync(Options(options => options.Trunks = []));
        await File.AppendAllTextAsync(Path.Combine(bad, "kamailio.cfg"), "\nroute[BROKEN] {\n", Ct);
        var before = Snapshot(root);

        var install = await InstallAsync(["--from", bad, "--root", root]);

        install.ExitCode.ShouldNotBe(0, install.Output);
        install.Output.ShouldContain("fails kamailio -c: nothing installed");
        Snapshot(root).ShouldBe(before);
    }

    [Fact]
    public async Task A_ruleset_that_fails_nft_check_is_not_installed()
    {
        var root = Root();
        var bad = await RenderAsync(Options());
        await File.AppendAllTextAsync(Path.Combine(bad, KamailioFiles.FirewallName), "\ntable inet broken { chain x { tcp dport 1 bogus } }\n", Ct);

        var install = await InstallAsync(["--from", bad, "--root", root]);

        install.ExitCode.ShouldNotBe(0, install.Output);
        install.Output.ShouldContain("fails nft -c: nothing installed");
        File.Exists(Path.Combine(root, "etc/kamailio/easymo/kamailio.cfg")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_port_below_1024_gets_the_bind_capability_in_a_drop_in_which_goes_with_the_port()
    {
        var root = Root();
        var dropIn = Path.Combine(root, "etc/systemd/system/easymo-sip-edge.service.d/low-ports.conf");

        var low = await InstallAsync(["--from", await RenderAsync(Options(options => options.UdpPort = 506)), "--root", root]);
        var capability = File.Exists(dropIn) ? await File.ReadAllTextAsync(dropIn, Ct) : null;
        var high = await InstallAsync(["--from", await RenderAsync(Options()), "--root", root]);

        low.ExitCode.ShouldBe(0, low.Output);
        capability.ShouldNotBeNull(low.Output).ShouldContain("[Service]\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n");
        capability.ShouldContain("port(s) 506 below 1024");
        high.ExitCode.ShouldBe(0, high.Output);
        File.Exists(dropIn).ShouldBeFalse("no port below 1024 any more");
    }

    [Fact]
    public async Task A_dry_run_prints_what_it_would_do_and_changes_nothing()
    {
        var root = Root();

        var dry = await InstallAsync(["--from", await RenderAsync(Options()), "--root", root, "--dry-run"]);

        dry.ExitCode.ShouldBe(0, dry.Output);
        dry.Output.ShouldContain($"+ install -m 0600 ");
        dry.Output.ShouldContain($"+ systemctl --root={root} mask kamailio.service");
        dry.Output.ShouldContain("would have installed");
        Directory.EnumerateFileSystemEntries(root).ShouldBeEmpty();
    }

    [Fact]
    public async Task Install_renders_with_the_services_operator_tool_from_the_settings_in_the_environment()
    {
        var root = Root();
        WriteCertificate();
        var environment = new Dictionary<string, string>
        {
            ["SipEdge__Host"] = "sip.easymo.example",
            ["SipEdge__TlsCertificate"] = Path.Combine(directory, "fullchain.pem"),
            ["SipEdge__TlsPrivateKey"] = Path.Combine(directory, "privkey.pem"),
            ["SipEdge__Trunks__0__Name"] = "go-mt",
            ["SipEdge__Trunks__0__Sources__0"] = "62.3.4.5",
            ["SipEdge__Trunks__0__Numbers__0"] = "+35621000000",
            ["SipEdge__TcpPort"] = "5060",
            ["OPENAI_PROJECT_ID"] = ProjectId,
            ["SIP_EDGE_ATTESTATION_KEY"] = attestationKey,
        };

        var install = await InstallAsync(["--render", "--operator", Path.Combine(AppContext.BaseDirectory, "EasyMo.Operator"), "--root", root], environment);

        install.ExitCode.ShouldBe(0, install.Output);
        install.Output.ShouldContain("0 WhatsApp number(s), 1 trunk(s)");
        (await File.ReadAllTextAsync(Path.Combine(root, "etc/kamailio/easymo/kamailio.cfg"), Ct)).ShouldContain($"sip:{ProjectId}@sip.api.openai.com;transport=tls");
        (await File.ReadAllTextAsync(Path.Combine(root, "etc/kamailio/easymo", KamailioFiles.FirewallName), Ct)).ShouldContain("tcp dport 5060 ip saddr @trunks_v4 accept");
    }

    [Fact]
    public async Task A_failing_render_installs_nothing()
    {
        var root = Root();

        var install = await InstallAsync(
            ["--render", "--operator", Path.Combine(AppContext.BaseDirectory, "EasyMo.Operator"), "--root", root],
            new Dictionary<string, string> { ["SipEdge__Host"] = "sip.easymo.example" });

        install.ExitCode.ShouldNotBe(0, install.Output);
        install.Output.ShouldContain("OPENAI_PROJECT_ID is not set");
        install.Output.ShouldContain("sip-edge render failed");
        Directory.EnumerateFileSystemEntries(root).ShouldBeEmpty();
    }

    private SipEdgeOptions Options(Action<SipEdgeOptions>? change = null)
    {
        var options = new SipEdgeOptions
        {
            Host = "sip.easymo.example",
            UdpPort = 5060,
            TlsCertificate = Path.Combine(directory, "fullchain.pem"),
            TlsPrivateKey = Path.Combine(directory, "privkey.pem"),
            WhatsAppNumbers = [new WhatsAppSipNumber { Number = "+250788000001", Password = password }],
            Trunks = [new SipTrunk { Name = "mtn-rw", Sources = ["196.12.128.0/20"], Numbers = ["+250788000010"] }],
        };
        change?.Invoke(options);
        return options;
    }

    /// <summary>What <c>sip-edge render --out</c> writes, in a directory of its own.</summary>
    private async Task<string> RenderAsync(SipEdgeOptions options)
    {
        WriteCertificate();
        var files = KamailioConfig.Render(options, ProjectId, attestationKey);
        var output = Directory.CreateDirectory(Path.Combine(directory, $"render-{Guid.NewGuid():N}")).FullName;
        await File.WriteAllTextAsync(Path.Combine(output, KamailioFiles.KamailioCfgName), files.KamailioCfg, Ct);
        await File.WriteAllTextAsync(Path.Combine(output, KamailioFiles.TlsCfgName), files.TlsCfg, Ct);
        await File.WriteAllTextAsync(Path.Combine(output, KamailioFiles.FirewallName), files.Firewall, Ct);
        return output;
    }

    private string Root() => Directory.CreateDirectory(Path.Combine(directory, $"root-{Guid.NewGuid():N}")).FullName;

    private Task<ProcessResult> InstallAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        SipTools.RunAsync(SipTools.Bash, [SipTools.HostFile("install.sh"), .. arguments], TimeSpan.FromSeconds(120), Ct, environment);

    /// <summary>Every file and link under <paramref name="root"/> with its content (or target) and time of last write.</summary>
    private static List<string> Snapshot(string root) =>
    [
        .. Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(path =>
        {
            var info = new FileInfo(path);
            return info.LinkTarget is { } target ? $"{path} -> {target}"
                : Directory.Exists(path) ? $"{path}/"
                : $"{path} {info.LastWriteTimeUtc:O} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))}";
        }),
    ];

    /// <summary>The units as shipped, in a directory with the helper where the edge unit names it (systemd checks it is executable).</summary>
    private string[] WritableUnits()
    {
        var helper = Path.Combine(directory, "easymo-sip-edge-ctl");
        File.Copy(SipTools.HostFile("easymo-sip-edge-ctl"), helper, overwrite: true);
        File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var edge = Path.Combine(directory, "easymo-sip-edge.service");
        File.WriteAllText(edge, File.ReadAllText(SipTools.HostFile("easymo-sip-edge.service")).Replace(Helper, helper, StringComparison.Ordinal));
        var firewall = Path.Combine(directory, "easymo-sip-edge-firewall.service");
        File.Copy(SipTools.HostFile("easymo-sip-edge-firewall.service"), firewall, overwrite: true);
        return [edge, firewall];
    }

    private void WriteCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sip.easymo.example", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(directory, "fullchain.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "privkey.pem"), key.ExportPkcs8PrivateKeyPem());
    }

    [GeneratedRegex(@"Overall exposure level for \S+: ([0-9.]+) ")]
    private static partial Regex Exposure();
}
