using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EasyMo.Operator.SipEdge;

/// <summary>
/// The nftables ruleset of the edge's ports (<c>easymo-sip-edge.nft</c>), rendered from the same settings as
/// <c>kamailio.cfg</c>: the TLS port from <see cref="SipEdgeOptions.TlsSources"/> (anyone when empty) and the trunks, the
/// plain TCP and UDP ports from the trunks' sources only, new connections limited per source. It is a table of its own
/// whose chain accepts everything else: it narrows who reaches the edge and leaves SSH and the rest of the host's
/// firewall to its administrator.
/// </summary>
public static class EdgeFirewall
{
    public const string TableName = "easymo_sip_edge";

    /// <summary>A port the ruleset opens, with who may reach it (for the tests and the file's header).</summary>
    public sealed record OpenPort(string Protocol, int Port, string What, bool FromAnyone);

    /// <summary>The ports the rendered edge listens on, as the ruleset opens them.</summary>
    public static IReadOnlyList<OpenPort> Ports(SipEdgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ports = new List<OpenPort> { new("tcp", options.TlsPort, "SIP over TLS (SipEdge:TlsPort): Meta, and trunks that speak TLS", options.TlsSources.Count == 0) };
        if (options.TcpPort is { } tcp)
        {
            ports.Add(new OpenPort("tcp", tcp, "SIP over TCP (SipEdge:TcpPort): carrier trunks", FromAnyone: false));
        }

        if (options.UdpPort is { } udp)
        {
            ports.Add(new OpenPort("udp", udp, "SIP over UDP (SipEdge:UdpPort): carrier trunks", FromAnyone: false));
        }

        return ports;
    }

    /// <summary>The ruleset; the settings must have passed <see cref="KamailioConfig.Problems"/>.</summary>
    public static string Render(SipEdgeOptions options, string notice)
    {
        ArgumentNullException.ThrowIfNull(options);
        var trunks = Networks(options.Trunks.SelectMany(trunk => trunk.Sources));
        var tls = Networks(options.TlsSources);
        var ports = Ports(options);
        var tcpPorts = string.Join(", ", ports.Where(port => port.Protocol == "tcp").Select(port => Invariant(port.Port)).Distinct());
        var rate = Invariant(options.RequestsPerSecondPerSource);
        var burst = Invariant(options.RequestsPerSecondPerSource * 2);

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            #!/usr/sbin/nft -f
            # Firewall of the EasyMO SIP edge for {options.Host}: rendered by sip-edge render from the SipEdge settings, beside
            # the kamailio.cfg it belongs to. Edit the settings and render again, never this file. {notice}
            #
            # A table of its own, loaded by easymo-sip-edge-firewall.service (deploy/sip-edge/host). It only narrows who reaches
            # the edge's ports; its chain accepts everything else, so SSH, the host's other services and its outbound traffic
            # stay with the host's own rules. On a host whose own firewall drops by default, accept these ports there too.
            #

            """);
        foreach (var port in ports)
        {
            var who = port.FromAnyone
                ? "from anywhere (SipEdge:TlsSources is empty: Meta's SIP addresses are not pinned)"
                : port.Port == options.TlsPort && port.Protocol == "tcp"
                    ? "from SipEdge:TlsSources and the trunks' sources only"
                    : "from the trunks' sources only";
            text.Append(CultureInfo.InvariantCulture, $"#   {port.Protocol} {port.Port,-5}  {port.What}, {who}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $$"""
            #   new TCP connections to these ports: at most {{rate}} a second from one address, bursts of {{burst}} (SipEdge:RequestsPerSecondPerSource)

            table inet {{TableName}}
            delete table inet {{TableName}}

            table inet {{TableName}} {

            """);
        Set(text, "trunks_v4", "ipv4_addr", trunks.V4);
        Set(text, "trunks_v6", "ipv6_addr", trunks.V6);
        Set(text, "tls_v4", "ipv4_addr", tls.V4);
        Set(text, "tls_v6", "ipv6_addr", tls.V6);
        text.Append("""
            	set new_connections_v4 {
            		type ipv4_addr
            		size 65536
            		flags dynamic,timeout
            		timeout 1m
            	}

            	set new_connections_v6 {
            		type ipv6_addr
            		size 65536
            		flags dynamic,timeout
            		timeout 1m
            	}

            	chain input {
            		type filter hook input priority filter; policy accept;
            		iifname "lo" accept
            		ct state established,related accept

            """);
        text.Append(CultureInfo.InvariantCulture, $"\t\ttcp dport {{ {tcpPorts} }} ct state new add @new_connections_v4 {{ ip saddr limit rate over {rate}/second burst {burst} packets }} drop\n");
        text.Append(CultureInfo.InvariantCulture, $"\t\ttcp dport {{ {tcpPorts} }} ct state new add @new_connections_v6 {{ ip6 saddr limit rate over {rate}/second burst {burst} packets }} drop\n");

        foreach (var port in ports)
        {
            text.Append('\n');
            var match = $"{port.Protocol} dport {Invariant(port.Port)}";
            if (port.FromAnyone)
            {
                text.Append(CultureInfo.InvariantCulture, $"\t\t{match} accept\n");
                continue;
            }

            if (port.Port == options.TlsPort && port.Protocol == "tcp")
            {
                Accept(text, match, "tls", tls);
            }

            Accept(text, match, "trunks", trunks);
            text.Append(CultureInfo.InvariantCulture, $"\t\t{match} drop\n");
        }

        text.Append("\t}\n}\n");
        return text.ToString();
    }

    private static void Accept(StringBuilder text, string match, string set, (List<string> V4, List<string> V6) networks)
    {
        if (networks.V4.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\t\t{match} ip saddr @{set}_v4 accept\n");
        }

        if (networks.V6.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\t\t{match} ip6 saddr @{set}_v6 accept\n");
        }
    }

    private static void Set(StringBuilder text, string name, string type, List<string> elements)
    {
        if (elements.Count == 0)
        {
            return; // nftables refuses an empty element list; the rules name only the sets that exist
        }

        text.Append(CultureInfo.InvariantCulture, $$"""
            	set {{name}} {
            		type {{type}}
            		flags interval
            		auto-merge
            		elements = { {{string.Join(", ", elements)}} }
            	}


            """);
    }

    /// <summary>The sources as network prefixes (host bits cleared, as nftables wants them), IPv4 and IPv6 apart.</summary>
    private static (List<string> V4, List<string> V6) Networks(IEnumerable<string> sources)
    {
        var v4 = new List<string>();
        var v6 = new List<string>();
        foreach (var cidr in sources.Select(KamailioConfig.Cidr).OfType<string>())
        {
            var slash = cidr.IndexOf('/', StringComparison.Ordinal);
            var address = IPAddress.Parse(cidr[..slash]);
            var prefix = int.Parse(cidr[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
            var bytes = address.GetAddressBytes();
            for (var bit = prefix; bit < bytes.Length * 8; bit++)
            {
                bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8)); // nftables refuses a prefix with host bits set
            }

            var text = prefix == bytes.Length * 8 ? new IPAddress(bytes).ToString() : $"{new IPAddress(bytes)}/{Invariant(prefix)}";
            var list = address.AddressFamily == AddressFamily.InterNetworkV6 ? v6 : v4;
            if (!list.Contains(text, StringComparer.Ordinal))
            {
                list.Add(text);
            }
        }

        return (v4, v6);
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
