using System.Security.Cryptography;
using System.Text.RegularExpressions;
using EasyMo.Operator.SipEdge;
using EasyMo.SipEdgeTests.Infrastructure;

namespace EasyMo.SipEdgeTests;

/// <summary>
/// The nftables ruleset <c>sip-edge render</c> writes beside <c>kamailio.cfg</c> (<c>easymo-sip-edge.nft</c>): accepted by
/// <c>nft -c</c> (checked only, never loaded on the machine running the tests), opening exactly the ports the rendered
/// Kamailio listens on, the trunk ports to the trunks' sources only, the TLS port to anyone unless pinned.
/// </summary>
public sealed partial class EdgeFirewallTests
{
    private const string ProjectId = "proj_live42";

    private static readonly string AttestationKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static readonly string Password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SipEdgeOptions Options(Action<SipEdgeOptions>? change = null)
    {
        var options = new SipEdgeOptions
        {
            Host = "sip.easymo.example",
            TcpPort = 5060,
            UdpPort = 5070,
            TlsCertificate = "/etc/kamailio/easymo/tls/fullchain.pem",
            TlsPrivateKey = "/etc/kamailio/easymo/tls/privkey.pem",
            RequestsPerSecondPerSource = 30,
            WhatsAppNumbers = [new WhatsAppSipNumber { Number = "+250788000001", Password = Password }],
            Trunks =
            [
                new SipTrunk { Name = "mtn-rw", Sources = ["196.12.128.77/20", "41.186.3.4"], Numbers = ["+250788000010"] },
                new SipTrunk { Name = "go-mt", Sources = ["62.3.4.5", "2001:db8:5::9/48"], Numbers = ["+35621000000"] },
            ],
        };
        change?.Invoke(options);
        return options;
    }

    private static string Render(SipEdgeOptions options) => KamailioConfig.Render(options, ProjectId, AttestationKey).Firewall;

    public static TheoryData<string> Shapes => ["production", "tls only", "pinned", "one listener for two protocols"];

    private static SipEdgeOptions Shape(string shape) => shape switch
    {
        "tls only" => Options(options => (options.TcpPort, options.UdpPort, options.Trunks) = (null, null, [])),
        "pinned" => Options(options => options.TlsSources = ["157.240.0.0/16", "2a03:2880::/32"]),
        "one listener for two protocols" => Options(options => options.UdpPort = 5060),
        _ => Options(),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task The_rendered_ruleset_passes_nft_check(string shape)
    {
        var directory = Directory.CreateTempSubdirectory("easymo-nft-").FullName;
        try
        {
            var path = Path.Combine(directory, KamailioFiles.FirewallName);
            await File.WriteAllTextAsync(path, Render(Shape(shape)), Ct);

            var check = await SipTools.RunAsync(SipTools.Nft, ["-c", "-f", path], TimeSpan.FromSeconds(30), Ct);

            check.ExitCode.ShouldBe(0, $"{shape}:\n{check.Output}\n{await File.ReadAllTextAsync(path, Ct)}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_broken_ruleset_fails_nft_check_so_the_check_means_something()
    {
        var directory = Directory.CreateTempSubdirectory("easymo-nft-").FullName;
        try
        {
            var path = Path.Combine(directory, KamailioFiles.FirewallName);
            await File.WriteAllTextAsync(path, Render(Options()).Replace("tcp dport 5060 drop", "tcp dport 5060 dorp", StringComparison.Ordinal), Ct);

            var check = await SipTools.RunAsync(SipTools.Nft, ["-c", "-f", path], TimeSpan.FromSeconds(30), Ct);

            check.ExitCode.ShouldNotBe(0, check.Output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void It_opens_exactly_the_ports_the_rendered_Kamailio_listens_on(string shape)
    {
        var options = Shape(shape);
        var files = KamailioConfig.Render(options, ProjectId, AttestationKey);

        var listened = Listen().Matches(files.KamailioCfg).Select(match => $"{(match.Groups["proto"].Value == "udp" ? "udp" : "tcp")} {match.Groups["port"].Value}").ToHashSet();
        var ruled = Dport().Matches(files.Firewall)
            .SelectMany(match => match.Groups["ports"].Value.Trim('{', '}', ' ').Split(',', StringSplitOptions.TrimEntries).Select(port => $"{match.Groups["proto"].Value} {port}"))
            .ToHashSet();

        listened.ShouldNotBeEmpty();
        ruled.ShouldBe(listened, ignoreOrder: true, $"{shape}:\n{files.Firewall}");
        EdgeFirewall.Ports(options).Select(port => $"{port.Protocol} {port.Port}").ShouldBe(listened, ignoreOrder: true);
    }

    [Fact]
    public void The_trunk_ports_accept_the_trunks_sources_only_and_drop_the_rest()
    {
        var ruleset = Render(Options());

        Rules(ruleset, "tcp dport 5060").ShouldBe(
        [
            "tcp dport 5060 ip saddr @trunks_v4 accept",
            "tcp dport 5060 ip6 saddr @trunks_v6 accept",
            "tcp dport 5060 drop",
        ]);
        Rules(ruleset, "udp dport 5070").ShouldBe(
        [
            "udp dport 5070 ip saddr @trunks_v4 accept",
            "udp dport 5070 ip6 saddr @trunks_v6 accept",
            "udp dport 5070 drop",
        ]);
        // every source of every trunk, its host bits cleared (nftables refuses 196.12.128.77/20)
        ruleset.ShouldContain("elements = { 196.12.128.0/20, 41.186.3.4, 62.3.4.5 }");
        ruleset.ShouldContain("elements = { 2001:db8:5::/48 }");
    }

    [Fact]
    public void The_TLS_port_is_open_to_anyone_unless_Metas_ranges_are_pinned_and_then_to_them_and_the_trunks_only()
    {
        var open = Render(Options());
        var pinned = Render(Options(options => options.TlsSources = ["157.240.0.0/16", "2a03:2880::/32"]));

        Rules(open, "tcp dport 5061").ShouldBe(["tcp dport 5061 accept"]);
        open.ShouldContain("from anywhere (SipEdge:TlsSources is empty: Meta's SIP addresses are not pinned)");
        Rules(pinned, "tcp dport 5061").ShouldBe(
        [
            "tcp dport 5061 ip saddr @tls_v4 accept",
            "tcp dport 5061 ip6 saddr @tls_v6 accept",
            "tcp dport 5061 ip saddr @trunks_v4 accept",
            "tcp dport 5061 ip6 saddr @trunks_v6 accept",
            "tcp dport 5061 drop",
        ]);
        pinned.ShouldContain("elements = { 157.240.0.0/16 }");
    }

    [Fact]
    public void New_connections_are_limited_per_source_at_the_edges_request_rate_and_the_rest_of_the_host_is_left_alone()
    {
        var ruleset = Render(Options());

        ruleset.ShouldContain("tcp dport { 5061, 5060 } ct state new add @new_connections_v4 { ip saddr limit rate over 30/second burst 60 packets } drop");
        ruleset.ShouldContain("tcp dport { 5061, 5060 } ct state new add @new_connections_v6 { ip6 saddr limit rate over 30/second burst 60 packets } drop");
        ruleset.ShouldContain("type filter hook input priority filter; policy accept;");
        ruleset.ShouldNotContain("dport 22", customMessage: "SSH is the administrator's");
        ruleset.ShouldNotContain("hook output");
        ruleset.ShouldContain($"table inet {EdgeFirewall.TableName}\ndelete table inet {EdgeFirewall.TableName}\n", customMessage: "loading it again replaces the table");
    }

    [Theory]
    [InlineData("meta.example")]
    [InlineData("157.240.0.0/33")]
    public void TLS_sources_that_are_not_addresses_are_refused_by_the_render(string source)
    {
        var options = Options(options => options.TlsSources = [source]);

        KamailioConfig.Problems(options, ProjectId, AttestationKey).ShouldContain(problem => problem.StartsWith("SipEdge:TlsSources has", StringComparison.Ordinal));
    }

    private static List<string> Rules(string ruleset, string match) =>
        [.. ruleset.Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith(match + " ", StringComparison.Ordinal))];

    [GeneratedRegex(@"^listen=(?<proto>tls|tcp|udp):\S+:(?<port>[0-9]+)", RegexOptions.Multiline)]
    private static partial Regex Listen();

    [GeneratedRegex(@"(?<proto>tcp|udp) dport (?<ports>\{[^}]*\}|[0-9]+)")]
    private static partial Regex Dport();
}
