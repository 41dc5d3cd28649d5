namespace EasyMo.Operator.SipEdge;

/// <summary>
/// The SIP edge between Meta (and carrier trunks) and OpenAI's SIP ingress (configuration section <c>SipEdge</c>):
/// what <c>sip-edge render</c> turns into a Kamailio configuration. The OpenAI project comes from <c>OPENAI_PROJECT_ID</c>.
/// </summary>
public sealed class SipEdgeOptions
{
    public const string SectionName = "SipEdge";

    /// <summary>The edge's DNS name: what Meta is told (<c>whatsapp configure-sip --host</c>), the TLS certificate's name and the digest realm.</summary>
    public string? Host { get; set; }

    /// <summary>The address the listeners bind to.</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// The address put in Via and Record-Route (peers send in-dialog requests there), for example the host name behind NAT,
    /// or this edge's own name when two edges share <see cref="Host"/>. Unset: the bound address, or <see cref="Host"/>
    /// when the listeners bind every interface (a wildcard address is no address a peer can reach).
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>SIP over TLS, where Meta connects (Meta requires TLS).</summary>
    public int TlsPort { get; set; } = 5061;

    /// <summary>An optional plain TCP listener, for carrier trunks that do not speak TLS.</summary>
    public int? TcpPort { get; set; }

    /// <summary>An optional UDP listener, for carrier trunks that only speak UDP.</summary>
    public int? UdpPort { get; set; }

    /// <summary>
    /// Who may reach <see cref="TlsPort"/> through the firewall the render writes (<c>easymo-sip-edge.nft</c>): Meta's SIP
    /// address ranges, if Meta gave them to you, as addresses or CIDR ranges; the trunks' sources are added. Empty: anyone.
    /// </summary>
    public List<string> TlsSources { get; set; } = [];

    /// <summary>PEM certificate chain for <see cref="Host"/> (Meta validates it against the host name).</summary>
    public string? TlsCertificate { get; set; }

    /// <summary>PEM private key of <see cref="TlsCertificate"/>.</summary>
    public string? TlsPrivateKey { get; set; }

    /// <summary>The CA bundle that OpenAI's certificate is verified against.</summary>
    public string TlsCaList { get; set; } = "/etc/ssl/certs/ca-certificates.crt";

    /// <summary>
    /// Requests a second (every method) that one source address may send before the edge ignores it for a few seconds and
    /// closes its connection. Carrier trunks are counted per trunk instead (<see cref="SipTrunk.RequestsPerSecond"/>).
    /// </summary>
    public int RequestsPerSecondPerSource { get; set; } = 60;

    /// <summary>
    /// How long a TCP/TLS connection that admitted no call may stay idle; one that brought an admitted call is kept an
    /// hour. Short, so that connections opened and left idle cannot hold the edge's connection slots for long.
    /// </summary>
    public int IdleConnectionSeconds { get; set; } = 30;

    /// <summary>Lets <see cref="Upstream"/> use TCP or UDP: for a test peer on loopback only (the INVITE carries SRTP keys).</summary>
    public bool AllowCleartextUpstream { get; set; }

    /// <summary>
    /// Where Kamailio's control socket is created (<c>kamailio_ctl</c>, for <c>kamcmd</c> and the reload): the unit's
    /// <c>RuntimeDirectory</c>.
    /// </summary>
    public string RuntimeDirectory { get; set; } = "/run/easymo-sip-edge";

    /// <summary>
    /// Where the dialogs in progress are saved when Kamailio stops and loaded from when it starts (<c>dialogs/</c>, the
    /// db_text tables), so that a restart keeps the calls in progress: the unit's <c>StateDirectory</c>.
    /// </summary>
    public string StateDirectory { get; set; } = "/var/lib/easymo-sip-edge";

    /// <summary>Kamailio worker processes per listener.</summary>
    public int Children { get; set; } = 4;

    /// <summary>OpenAI's SIP host: the Request-URI becomes <c>sip:{project}@{host};transport=tls</c>.</summary>
    public string OpenAiHost { get; set; } = "sip.api.openai.com";

    /// <summary>
    /// A next hop used instead of resolving <see cref="OpenAiHost"/> (an outbound proxy, or a test peer), as a SIP URI such as
    /// <c>sip:10.0.0.5:5061;transport=tls</c> (the transport is required). The Request-URI still names OpenAI's host;
    /// in-dialog requests towards OpenAI go there too.
    /// </summary>
    public string? Upstream { get; set; }

    /// <summary>The WhatsApp business numbers Meta may call, each with Meta's digest password.</summary>
    public List<WhatsAppSipNumber> WhatsAppNumbers { get; set; } = [];

    /// <summary>Carrier trunks (MTN Rwanda, GO Malta, …), admitted by source address without digest.</summary>
    public List<SipTrunk> Trunks { get; set; } = [];
}

/// <summary>A WhatsApp business number: Meta authenticates as the number, with the password Meta generated for it and the app.</summary>
public sealed class WhatsAppSipNumber
{
    /// <summary>The business number in E.164 (<c>+250…</c>), as Meta puts it in the Request-URI.</summary>
    public string? Number { get; set; }

    /// <summary>Meta's SIP password (<c>GET /{phone-number-id}/settings?include_sip_credentials=true</c>); never logged.</summary>
    public string? Password { get; set; }
}

/// <summary>A carrier trunk: where its INVITEs come from and which of our numbers it may dial.</summary>
public sealed class SipTrunk
{
    /// <summary>A short name for logs (<c>mtn-rw</c>, <c>go-mt</c>).</summary>
    public string? Name { get; set; }

    /// <summary>Source addresses or CIDR ranges of the carrier's SIP servers.</summary>
    public List<string> Sources { get; set; } = [];

    /// <summary>The numbers (E.164) this trunk may deliver calls for.</summary>
    public List<string> Numbers { get; set; } = [];

    /// <summary>Requests a second from the trunk's sources together; beyond it the edge answers 503 (no lock-out).</summary>
    public int RequestsPerSecond { get; set; } = 50;
}
