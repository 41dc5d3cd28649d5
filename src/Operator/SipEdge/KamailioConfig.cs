using System.Globalization;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using EasyMo.Application.Features.Calls;
using EasyMo.Application.Features.Calls.Sip;

namespace EasyMo.Operator.SipEdge;

/// <summary>
/// The files of a rendered edge: <c>kamailio.cfg</c>, the <c>tls.cfg</c> it loads from beside it, and the nftables ruleset
/// of the ports they open (<c>easymo-sip-edge.nft</c>, loaded by <c>deploy/sip-edge/host</c>'s firewall unit).
/// </summary>
public sealed record KamailioFiles(string KamailioCfg, string TlsCfg, string Firewall)
{
    public const string KamailioCfgName = "kamailio.cfg";
    public const string TlsCfgName = "tls.cfg";
    public const string FirewallName = "easymo-sip-edge.nft";

    /// <summary>The control socket in <see cref="SipEdgeOptions.RuntimeDirectory"/> (<c>kamcmd -s unix:…</c>).</summary>
    public const string ControlSocketName = "kamailio_ctl";

    /// <summary>The db_text database in <see cref="SipEdgeOptions.StateDirectory"/> that keeps the dialogs across a restart.</summary>
    public const string DialogStoreName = "dialogs";
}

/// <summary>
/// Renders the SIP edge's Kamailio configuration from <c>src/Operator/SipEdge/kamailio.cfg.template</c> (embedded) and the
/// settings. Every value is checked before it is written: nothing from the settings can change the script's logic.
/// </summary>
public static partial class KamailioConfig
{
    private const string TemplateResource = "EasyMo.SipEdge.kamailio.cfg.template";

    /// <summary>The problems that stop a render, one line each; empty when the settings can be rendered.</summary>
    public static IReadOnlyList<string> Problems(SipEdgeOptions options, string? projectId, string? attestationKey)
    {
        var problems = new List<string>();
        if (EdgeAttestationKeys.Split(attestationKey).Count == 0)
        {
            problems.Add($"{CallerIdentityOptions.AttestationKeyVariable} is not set: the edge signs every INVITE it admits with it, and the service trusts no caller's number without it.");
        }

        problems.AddRange(EdgeAttestationKeys.Problems(attestationKey, CallerIdentityOptions.AttestationKeyVariable));
        if (string.IsNullOrWhiteSpace(projectId))
        {
            problems.Add("OPENAI_PROJECT_ID is not set: the edge sends every call to sip:<project>@sip.api.openai.com.");
        }
        else if (!ProjectId().IsMatch(projectId))
        {
            problems.Add("OPENAI_PROJECT_ID must look like proj_… (letters, digits, '_' and '-').");
        }

        if (string.IsNullOrWhiteSpace(options.Host) || !HostName().IsMatch(options.Host) || !options.Host.Contains('.', StringComparison.Ordinal)
            || IPAddress.TryParse(options.Host, out _))
        {
            problems.Add("SipEdge:Host must be the edge's DNS name (the name on its TLS certificate), such as sip.easymo.example.");
        }

        if (!IPAddress.TryParse(options.ListenAddress, out _))
        {
            problems.Add("SipEdge:ListenAddress must be an IP address (0.0.0.0 for every interface).");
        }

        if (options.AdvertisedAddress is { } advertised && !HostName().IsMatch(advertised) && !IPAddress.TryParse(advertised, out _))
        {
            problems.Add("SipEdge:AdvertisedAddress must be a host name or an IP address.");
        }

        foreach (var source in options.TlsSources.Where(source => Cidr(source) is null))
        {
            problems.Add($"SipEdge:TlsSources has '{source}', which is not an IP address or CIDR range.");
        }

        CheckDirectory(problems, "SipEdge:RuntimeDirectory", options.RuntimeDirectory);
        CheckDirectory(problems, "SipEdge:StateDirectory", options.StateDirectory);
        if (ControlSocket(options).Length > 107)
        {
            problems.Add("SipEdge:RuntimeDirectory is too long for a Unix socket path (kamailio_ctl is created in it).");
        }

        CheckPort(problems, "SipEdge:TlsPort", options.TlsPort);
        if (options.TcpPort is { } tcp)
        {
            CheckPort(problems, "SipEdge:TcpPort", tcp);
            if (tcp == options.TlsPort)
            {
                problems.Add("SipEdge:TcpPort must differ from SipEdge:TlsPort.");
            }
        }

        if (options.UdpPort is { } udp)
        {
            CheckPort(problems, "SipEdge:UdpPort", udp);
        }

        CheckPath(problems, "SipEdge:TlsCertificate", options.TlsCertificate, required: true);
        CheckPath(problems, "SipEdge:TlsPrivateKey", options.TlsPrivateKey, required: true);
        CheckPath(problems, "SipEdge:TlsCaList", options.TlsCaList, required: true);

        if (options.RequestsPerSecondPerSource is < 1 or > 10_000)
        {
            problems.Add("SipEdge:RequestsPerSecondPerSource must be between 1 and 10000.");
        }

        if (options.IdleConnectionSeconds is < 5 or > 3600)
        {
            problems.Add("SipEdge:IdleConnectionSeconds must be between 5 and 3600.");
        }

        if (options.Children is < 1 or > 64)
        {
            problems.Add("SipEdge:Children must be between 1 and 64.");
        }

        if (!HostName().IsMatch(options.OpenAiHost))
        {
            problems.Add("SipEdge:OpenAiHost must be a host name.");
        }

        if (options.Upstream is { Length: > 0 } upstream)
        {
            if (UpstreamUri().Match(upstream) is not { Success: true } match)
            {
                problems.Add("SipEdge:Upstream must be a SIP URI such as sip:10.0.0.5:5061;transport=tls.");
            }
            else if (match.Groups["transport"].Value != "tls" && !options.AllowCleartextUpstream)
            {
                // The INVITE carries the SRTP keys (SDES) of the call: in clear, anyone on the path hears it.
                problems.Add("SipEdge:Upstream must use transport=tls (SipEdge:AllowCleartextUpstream=true for a test peer on loopback).");
            }
        }

        CheckNumbers(problems, options);
        CheckTrunks(problems, options);
        return problems;
    }

    /// <summary>Renders both files; throws <see cref="ArgumentException"/> when <see cref="Problems"/> has any.</summary>
    public static KamailioFiles Render(SipEdgeOptions options, string? projectId, string? attestationKey, string? notice = null)
    {
        var problems = Problems(options, projectId, attestationKey);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(options));
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["NOTICE"] = notice ?? "Rendered by sip-edge render.",
            ["CHILDREN"] = Invariant(options.Children),
            ["LISTEN"] = Listeners(options),
            ["EDGE_HOST"] = options.Host!,
            ["TLS_CONFIG"] = KamailioFiles.TlsCfgName,
            ["CONTROL_SOCKET"] = ControlSocket(options),
            ["DIALOG_STORE"] = DialogStore(options),
            ["IDLE_LIFETIME"] = Invariant(options.IdleConnectionSeconds),
            ["REQUESTS_PER_SECOND"] = Invariant(options.RequestsPerSecondPerSource),
            ["PIKE_DENSITY"] = Invariant(options.RequestsPerSecondPerSource * 2), // pike samples over 2 s
            ["TRUNK_SOURCES"] = TrunkSources(options),
            ["TRUNKS"] = Trunks(options),
            ["ATTESTATION_KEY"] = EdgeAttestationKeys.Split(attestationKey)[0], // the first key signs; the service accepts every listed one
            ["WHATSAPP_NUMBERS"] = WhatsAppNumbers(options),
            ["REALM"] = options.Host!,
            ["OPENAI_URI"] = $"sip:{projectId}@{options.OpenAiHost};transport=tls",
            ["OPENAI_HOST"] = options.OpenAiHost,
            ["UPSTREAM"] = options.Upstream is { Length: > 0 } upstream
                ? $"\t$du = \"{upstream}\";"
                : "\t# The next hop is OpenAI's host itself (DNS, TLS on 5061).",
            ["UPSTREAM_IN_DIALOG"] = options.Upstream is { Length: > 0 } upstreamInDialog
                ? $"\t\t$du = \"{upstreamInDialog}\";"
                : "\t\t# On to OpenAI's host as its 2xx named it.",
        };

        var rendered = Placeholder().Replace(Template(), match => values.TryGetValue(match.Groups[1].Value, out var value)
            ? value
            : throw new InvalidOperationException($"The template names {match.Value}, which the renderer does not know."));
        return new KamailioFiles(rendered, TlsConfig(options), EdgeFirewall.Render(options, notice ?? "Rendered by sip-edge render."));
    }

    /// <summary>The control socket's path, <c>{RuntimeDirectory}/kamailio_ctl</c>.</summary>
    public static string ControlSocket(SipEdgeOptions options) =>
        $"{options.RuntimeDirectory.TrimEnd('/')}/{KamailioFiles.ControlSocketName}";

    /// <summary>The db_text database of the dialogs, <c>{StateDirectory}/dialogs</c>.</summary>
    public static string DialogStore(SipEdgeOptions options) =>
        $"{options.StateDirectory.TrimEnd('/')}/{KamailioFiles.DialogStoreName}";

    /// <summary>What goes in Via and Record-Route: the advertised address, else the host name when bound to every interface.</summary>
    internal static string? Advertised(SipEdgeOptions options) =>
        options.AdvertisedAddress is { Length: > 0 } advertised ? advertised
        : IPAddress.TryParse(options.ListenAddress, out var bound) && (bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any)) ? options.Host
        : null;

    /// <summary>The template as shipped in <c>src/Operator/SipEdge/kamailio.cfg.template</c>.</summary>
    public static string Template()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(TemplateResource)
            ?? throw new InvalidOperationException($"The embedded resource {TemplateResource} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static string Listeners(SipEdgeOptions options)
    {
        var lines = new StringBuilder();
        Listen(lines, "tls", options, options.TlsPort);
        if (options.TcpPort is { } tcp)
        {
            Listen(lines, "tcp", options, tcp);
        }

        if (options.UdpPort is { } udp)
        {
            Listen(lines, "udp", options, udp);
        }

        return lines.ToString().TrimEnd();

        static void Listen(StringBuilder lines, string protocol, SipEdgeOptions options, int port)
        {
            lines.Append(CultureInfo.InvariantCulture, $"listen={protocol}:{options.ListenAddress}:{port}");
            if (Advertised(options) is { } advertised)
            {
                lines.Append(CultureInfo.InvariantCulture, $" advertise {advertised}:{port}");
            }

            lines.Append('\n');
        }
    }

    /// <summary>Which trunk a request comes from, by source address, with the trunk's rate (pipelimit counts per trunk).</summary>
    private static string TrunkSources(SipEdgeOptions options)
    {
        var block = new StringBuilder();
        foreach (var trunk in options.Trunks)
        {
            block.Append(CultureInfo.InvariantCulture, $$"""
                	if ($var(trunk) == "" && is_in_subnet("$si", "{{string.Join(',', trunk.Sources.Select(Cidr))}}")) {
                		$var(trunk) = "{{trunk.Name}}";
                		$var(trunk_limit) = {{Invariant(trunk.RequestsPerSecond)}};
                	}

                """);
        }

        return block.Length == 0 ? "\t# No carrier trunks: every source is counted by pike." : block.ToString().TrimEnd('\n');
    }

    private static string Trunks(SipEdgeOptions options)
    {
        var block = new StringBuilder();
        foreach (var trunk in options.Trunks)
        {
            var digits = string.Join('|', trunk.Numbers.Select(number => number[1..]));
            block.Append(CultureInfo.InvariantCulture, $$"""
                	# Trunk {{trunk.Name}}: admitted by source address (route[REQINIT] told which); it may dial {{trunk.Numbers.Count}} number(s).
                	if ($var(trunk) == "{{trunk.Name}}") {
                		if (!($var(number) =~ "^\\+?({{digits}})$")) {
                			xlog("L_WARN", "EDGE_REFUSED reason=number_not_on_trunk trunk={{trunk.Name}} number=$avp(masked) source=$si\n");
                			sl_send_reply("404", "Not Found");
                			exit;
                		}
                		# Only Meta may say that a call is a WhatsApp call: the service reads the channel from these.
                		if ($(fd{s.tolower}) =~ "(^|\\.)wa\\.meta\\.vc$" || $(hdr(P-Asserted-Identity){s.tolower}) =~ "wa\\.meta\\.vc") {
                			xlog("L_WARN", "EDGE_REFUSED reason=trunk_claims_whatsapp trunk={{trunk.Name}} source=$si\n");
                			sl_send_reply("403", "Forbidden");
                			exit;
                		}
                		remove_hf_re("^[xX]-[wW][aA]-[mM][eE][tT][aA]-");
                		$avp(channel) = "trunk:{{trunk.Name}}";
                		$avp(admission) = "{{trunk.Name}}";
                		return;
                	}

                """);
        }

        return block.ToString();
    }

    private static string WhatsAppNumbers(SipEdgeOptions options)
    {
        var block = new StringBuilder();
        foreach (var entry in options.WhatsAppNumbers)
        {
            var number = entry.Number!;
            block.Append(CultureInfo.InvariantCulture, $"""
                		case "{number}":
                		case "{number[1..]}":
                			$var(user) = "{number}";
                			$var(ha1_plus) = "{Ha1(number, options.Host!, entry.Password!)}";
                			$var(ha1_bare) = "{Ha1(number[1..], options.Host!, entry.Password!)}";
                			break;

                """);
        }

        return block.ToString().TrimEnd('\n');
    }

    /// <summary>The digest HA1 of RFC 2617: hex MD5 of <c>user:realm:password</c>. MD5 is what SIP digest (and Meta) use.</summary>
    public static string Ha1(string user, string realm, string password) =>
#pragma warning disable CA5351 // SIP digest is defined over MD5; the hash only keeps the password itself off the disk
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{user}:{realm}:{password}")));
#pragma warning restore CA5351

    private static string TlsConfig(SipEdgeOptions options) => $"""
        # TLS profiles of the EasyMO SIP edge (rendered by sip-edge render; loaded by kamailio.cfg from beside it).

        # Meta connects here and validates this certificate against {options.Host}; Meta presents no client certificate.
        [server:default]
        method = TLSv1.2+
        verify_certificate = no
        require_certificate = no
        certificate = {options.TlsCertificate}
        private_key = {options.TlsPrivateKey}

        # The edge connects to OpenAI ({options.OpenAiHost}) and verifies its certificate.
        [client:default]
        method = TLSv1.2+
        verify_certificate = yes
        require_certificate = yes
        ca_list = {options.TlsCaList}

        """;

    private static void CheckNumbers(List<string> problems, SipEdgeOptions options)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (entry, index) in options.WhatsAppNumbers.Select((entry, index) => (entry, index)))
        {
            var key = $"SipEdge:WhatsAppNumbers:{index}";
            if (entry.Number is not { } number || !E164().IsMatch(number))
            {
                problems.Add($"{key}:Number must be a number in E.164 form, such as +250788000000.");
                continue;
            }

            if (!seen.Add(number))
            {
                problems.Add($"{key}:Number {number} is listed twice.");
            }

            if (string.IsNullOrEmpty(entry.Password))
            {
                problems.Add($"{key}:Password is not set for {number}: take it from `whatsapp show-sip` or render with --fetch-credentials.");
            }
            else if (!Password().IsMatch(entry.Password))
            {
                problems.Add($"{key}:Password may hold printable characters other than quotes and backslashes only.");
            }
        }

        if (options.WhatsAppNumbers.Count == 0 && options.Trunks.Count == 0)
        {
            problems.Add("Neither SipEdge:WhatsAppNumbers nor SipEdge:Trunks is set: the edge would refuse every call.");
        }
    }

    private static void CheckTrunks(List<string> problems, SipEdgeOptions options)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (trunk, index) in options.Trunks.Select((trunk, index) => (trunk, index)))
        {
            var key = $"SipEdge:Trunks:{index}";
            if (trunk.Name is not { } name || !TrunkName().IsMatch(name))
            {
                problems.Add($"{key}:Name must be a short name of lower-case letters, digits and '-' (mtn-rw).");
            }
            else if (name == EdgeAttestation.WhatsAppAdmission)
            {
                problems.Add($"{key}:Name cannot be '{EdgeAttestation.WhatsAppAdmission}': the attestation names WhatsApp calls so.");
            }
            else if (!names.Add(name))
            {
                problems.Add($"{key}:Name {name} is used twice.");
            }

            if (trunk.RequestsPerSecond is < 1 or > 10_000)
            {
                problems.Add($"{key}:RequestsPerSecond must be between 1 and 10000.");
            }

            if (trunk.Sources.Count == 0)
            {
                problems.Add($"{key}:Sources must list the carrier's addresses or CIDR ranges.");
            }

            foreach (var source in trunk.Sources.Where(source => Cidr(source) is null))
            {
                problems.Add($"{key}:Sources has '{source}', which is not an IP address or CIDR range.");
            }

            if (trunk.Numbers.Count == 0)
            {
                problems.Add($"{key}:Numbers must list the numbers the trunk may dial.");
            }

            foreach (var number in trunk.Numbers.Where(number => !E164().IsMatch(number)))
            {
                problems.Add($"{key}:Numbers has '{number}', which is not in E.164 form.");
            }
        }
    }

    private static void CheckPort(List<string> problems, string key, int port)
    {
        if (port is < 1 or > 65535)
        {
            problems.Add($"{key} must be a port between 1 and 65535.");
        }
    }

    private static void CheckPath(List<string> problems, string key, string? path, bool required)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            if (required)
            {
                problems.Add($"{key} is not set.");
            }

            return;
        }

        if (!SafePath().IsMatch(path))
        {
            problems.Add($"{key} must be a file path without quotes, backslashes, spaces or control characters.");
        }
    }

    private static void CheckDirectory(List<string> problems, string key, string? path)
    {
        if (string.IsNullOrWhiteSpace(path) || !path.StartsWith('/') || !SafePath().IsMatch(path) || path.Contains("..", StringComparison.Ordinal))
        {
            problems.Add($"{key} must be an absolute directory path without quotes, backslashes, spaces or '..'.");
        }
    }

    /// <summary>A normalized CIDR range (<c>196.12.3.4/32</c> for a bare address), or null when the text is neither.</summary>
    internal static string? Cidr(string source)
    {
        var parts = source.Trim().Split('/');
        if (parts.Length > 2 || !IPAddress.TryParse(parts[0], out var address))
        {
            return null;
        }

        var maxPrefix = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32;
        if (parts.Length == 1)
        {
            return $"{address}/{maxPrefix}";
        }

        return int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) && prefix <= maxPrefix
            ? $"{address}/{prefix}"
            : null;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\{\{([A-Z_]+)\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("^proj_[A-Za-z0-9_-]{1,100}$")]
    private static partial Regex ProjectId();

    [GeneratedRegex(@"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex HostName();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    [GeneratedRegex(@"^[\x21\x23-\x5B\x5D-\x7E]{1,128}$")]
    private static partial Regex Password();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex TrunkName();

    [GeneratedRegex(@"^[A-Za-z0-9._/+@:=,-]{1,1024}$")]
    private static partial Regex SafePath();

    [GeneratedRegex(@"^sips?:[A-Za-z0-9.\-\[\]:]+;transport=(?<transport>udp|tcp|tls)$")]
    private static partial Regex UpstreamUri();
}
