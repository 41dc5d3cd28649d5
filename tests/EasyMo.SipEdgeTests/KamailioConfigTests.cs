using System.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EasyMo.Operator.SipEdge;
using EasyMo.SipEdgeTests.Infrastructure;

namespace EasyMo.SipEdgeTests;

/// <summary>What <see cref="KamailioConfig"/> accepts, refuses and writes; the production shape checked by Kamailio itself.</summary>
public sealed class KamailioConfigTests
{
    private const string ProjectId = "proj_live42";
    // Generated when the tests run (no key-like literal in the repository), with '+' and '/' so that quoting is exercised.
    private static readonly string AttestationKey = "k+/" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));

    private static readonly string PreviousAttestationKey = "p+/" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));

    private static readonly string MetaPassword = "m" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SipEdgeOptions Production(string directory) => new()
    {
        Host = "sip.easymo.example",
        AdvertisedAddress = "sip.easymo.example",
        ListenAddress = "127.0.0.1",
        UdpPort = 5060,
        TlsCertificate = Path.Combine(directory, "fullchain.pem"),
        TlsPrivateKey = Path.Combine(directory, "privkey.pem"),
        WhatsAppNumbers = [new WhatsAppSipNumber { Number = "+250788000001", Password = MetaPassword }],
        Trunks =
        [
            new SipTrunk { Name = "mtn-rw", Sources = ["196.12.128.0/20", "41.186.3.4"], Numbers = ["+250788000010", "+250788000011"] },
            new SipTrunk { Name = "go-mt", Sources = ["62.3.4.5"], Numbers = ["+35621000000"] },
        ],
    };

    [Fact]
    public async Task The_production_shape_renders_to_a_configuration_Kamailio_accepts()
    {
        var directory = Directory.CreateTempSubdirectory("easymo-render-").FullName;
        try
        {
            WritePem(directory);
            var files = KamailioConfig.Render(Production(directory), ProjectId, AttestationKey);
            var config = Path.Combine(directory, KamailioFiles.KamailioCfgName);
            await File.WriteAllTextAsync(config, files.KamailioCfg, Ct);
            await File.WriteAllTextAsync(Path.Combine(directory, KamailioFiles.TlsCfgName), files.TlsCfg, Ct);

            var check = await SipTools.RunAsync(SipTools.Kamailio, ["-c", "-f", config], TimeSpan.FromSeconds(30), Ct);

            check.ExitCode.ShouldBe(0, check.Output);
            check.Output.ShouldContain("config file ok");
            files.KamailioCfg.ShouldNotContain("{{");
            files.KamailioCfg.ShouldContain("listen=tls:127.0.0.1:5061 advertise sip.easymo.example:5061");
            files.KamailioCfg.ShouldContain("listen=udp:127.0.0.1:5060 advertise sip.easymo.example:5060");
            files.KamailioCfg.ShouldNotContain("listen=tcp:");
            files.KamailioCfg.ShouldContain("$ru = \"sip:proj_live42@sip.api.openai.com;transport=tls\";");
            files.KamailioCfg.ShouldNotContain("$du =", customMessage: "without an upstream the next hop is OpenAI's host itself");
            files.KamailioCfg.ShouldContain("is_in_subnet(\"$si\", \"196.12.128.0/20,41.186.3.4/32\")");
            files.KamailioCfg.ShouldContain("^\\\\+?(250788000010|250788000011)$");
            files.TlsCfg.ShouldContain($"certificate = {Path.Combine(directory, "fullchain.pem")}");
            files.TlsCfg.ShouldContain("verify_certificate = yes");
            files.KamailioCfg.ShouldContain("loadmodule \"dialog.so\"");
            files.KamailioCfg.ShouldContain("is_known_dlg()");
            files.KamailioCfg.ShouldContain("modparam(\"auth\", \"one_time_nonce\", 1)");
            files.KamailioCfg.ShouldContain($"crypto_hmac_sha256(\"$var(signed)\", \"{AttestationKey}\", \"$var(sig)\")");
            files.KamailioCfg.ShouldContain("modparam(\"ctl\", \"binrpc\", \"unix:/run/easymo-sip-edge/kamailio_ctl\")");
            files.KamailioCfg.ShouldContain("modparam(\"ctl\", \"mode\", 0600)");
            files.KamailioCfg.ShouldContain("modparam(\"dialog\", \"db_url\", \"text:///var/lib/easymo-sip-edge/dialogs\")");
            files.KamailioCfg.ShouldContain("modparam(\"dialog\", \"db_mode\", 1)");
            files.KamailioCfg.IndexOf("loadmodule \"db_text.so\"", StringComparison.Ordinal)
                .ShouldBeLessThan(files.KamailioCfg.IndexOf("loadmodule \"dialog.so\"", StringComparison.Ordinal), "db_text must be loaded before the module that uses it");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("0.0.0.0", null, " advertise sip.easymo.example:5061")] // a wildcard is no address a peer can reach: the host name
    [InlineData("0.0.0.0", "sip1.easymo.example", " advertise sip1.easymo.example:5061")] // one of two edges sharing the host name
    [InlineData("10.0.0.7", null, "")] // a real address is advertised as it is
    public void Via_and_Record_Route_name_an_address_peers_can_reach(string listen, string? advertised, string expected)
    {
        var options = Production("/etc/kamailio/easymo");
        options.ListenAddress = listen;
        options.AdvertisedAddress = advertised;

        var rendered = KamailioConfig.Render(options, ProjectId, AttestationKey).KamailioCfg;

        rendered.Split('\n').ShouldContain($"listen=tls:{listen}:5061{expected}");
        rendered.Split('\n').ShouldContain($"listen=udp:{listen}:5060{expected.Replace("5061", "5060", StringComparison.Ordinal)}");
    }

    [Fact]
    public void The_control_socket_and_the_dialog_store_follow_the_runtime_and_state_directories()
    {
        var options = Production("/etc/kamailio/easymo");
        options.RuntimeDirectory = "/run/edge-b/";
        options.StateDirectory = "/srv/edge-b";

        var rendered = KamailioConfig.Render(options, ProjectId, AttestationKey).KamailioCfg;

        rendered.ShouldContain("modparam(\"ctl\", \"binrpc\", \"unix:/run/edge-b/kamailio_ctl\")");
        rendered.ShouldContain("modparam(\"dialog\", \"db_url\", \"text:///srv/edge-b/dialogs\")");
    }

    [Fact]
    public void No_password_is_written_only_the_digest_HA1_of_each_form_of_the_user()
    {
        var files = KamailioConfig.Render(Production("/etc/kamailio/easymo"), ProjectId, AttestationKey);

        files.KamailioCfg.ShouldNotContain(MetaPassword);
        files.TlsCfg.ShouldNotContain(MetaPassword);
        // RFC 2617's HA1, MD5("user:realm:password"), worked out here independently, with and without the '+'.
        static string Md5(string text) => Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
        files.KamailioCfg.ShouldContain($"$var(ha1_plus) = \"{Md5($"+250788000001:sip.easymo.example:{MetaPassword}")}\";");
        KamailioConfig.Ha1("+250788000001", "sip.easymo.example", MetaPassword).ShouldBe(Md5($"+250788000001:sip.easymo.example:{MetaPassword}"));
        KamailioConfig.Ha1("250788000001", "sip.easymo.example", MetaPassword).ShouldBe(Md5($"250788000001:sip.easymo.example:{MetaPassword}"));
    }

    [Fact]
    public void Only_the_first_attestation_key_signs_and_no_other_key_is_written()
    {
        var rendered = KamailioConfig.Render(Production("/etc/kamailio/easymo"), ProjectId, AttestationKey + "," + PreviousAttestationKey).KamailioCfg;

        rendered.ShouldContain(AttestationKey);
        rendered.ShouldNotContain(PreviousAttestationKey);
    }

    [Theory]
    [InlineData(null, "SIP_EDGE_ATTESTATION_KEY is not set")]
    [InlineData("too-short", "SIP_EDGE_ATTESTATION_KEY: key 1 must be")]
    [InlineData("attestation-key-with-a-$-in-it-0123456789", "SIP_EDGE_ATTESTATION_KEY: key 1 must be")]
    public void The_render_refuses_to_run_without_a_usable_attestation_key(string? key, string expected)
    {
        KamailioConfig.Problems(Production("/etc/kamailio/easymo"), ProjectId, key).ShouldContain(problem => problem.StartsWith(expected, StringComparison.Ordinal));
        Should.Throw<ArgumentException>(() => KamailioConfig.Render(Production("/etc/kamailio/easymo"), ProjectId, key));
    }

    public static TheoryData<string, Action<SipEdgeOptions>, string> Refusals => new()
    {
        { "no host", options => options.Host = null, "SipEdge:Host" },
        { "host with a space", options => options.Host = "sip easymo", "SipEdge:Host" },
        { "host of one label", options => options.Host = "localhost", "SipEdge:Host" },
        { "host as an address", options => options.Host = "196.12.3.4", "SipEdge:Host" },
        { "bad port", options => options.TlsPort = 70000, "SipEdge:TlsPort" },
        { "tcp on the tls port", options => options.TcpPort = 5061, "SipEdge:TcpPort must differ" },
        { "no certificate", options => options.TlsCertificate = null, "SipEdge:TlsCertificate is not set" },
        { "quote in a path", options => options.TlsPrivateKey = "/etc/key\".pem", "SipEdge:TlsPrivateKey" },
        { "number not E.164", options => options.WhatsAppNumbers[0].Number = "0788000001", "SipEdge:WhatsAppNumbers:0:Number" },
        { "no password", options => options.WhatsAppNumbers[0].Password = null, "--fetch-credentials" },
        { "quote in a password", options => options.WhatsAppNumbers[0].Password = "a\"b", "SipEdge:WhatsAppNumbers:0:Password" },
        { "newline in a password", options => options.WhatsAppNumbers[0].Password = "a\nxlog(\"x\");", "SipEdge:WhatsAppNumbers:0:Password" },
        { "trunk name with quotes", options => options.Trunks[0].Name = "mtn\"rw", "SipEdge:Trunks:0:Name" },
        { "trunk source not an address", options => options.Trunks[1].Sources = ["carrier.example"], "SipEdge:Trunks:1:Sources" },
        { "trunk prefix too long", options => options.Trunks[1].Sources = ["62.3.4.5/33"], "SipEdge:Trunks:1:Sources" },
        { "trunk without numbers", options => options.Trunks[1].Numbers = [], "SipEdge:Trunks:1:Numbers" },
        { "upstream not a SIP URI", options => options.Upstream = "http://x", "SipEdge:Upstream" },
        { "upstream without a transport", options => options.Upstream = "sip:10.0.0.5:5061", "SipEdge:Upstream" },
        { "upstream in clear", options => options.Upstream = "sip:10.0.0.5:5060;transport=udp", "SipEdge:Upstream must use transport=tls" },
        { "trunk named like WhatsApp", options => options.Trunks[0].Name = "whatsapp", "SipEdge:Trunks:0:Name cannot be 'whatsapp'" },
        { "trunk rate of zero", options => options.Trunks[0].RequestsPerSecond = 0, "SipEdge:Trunks:0:RequestsPerSecond" },
        { "rate of zero", options => options.RequestsPerSecondPerSource = 0, "SipEdge:RequestsPerSecondPerSource" },
        { "idle lifetime too short", options => options.IdleConnectionSeconds = 1, "SipEdge:IdleConnectionSeconds" },
        { "runtime directory relative", options => options.RuntimeDirectory = "run/edge", "SipEdge:RuntimeDirectory must be an absolute directory path" },
        { "runtime directory with a quote", options => options.RuntimeDirectory = "/run/edge\");", "SipEdge:RuntimeDirectory must be an absolute directory path" },
        { "runtime directory too long for a socket", options => options.RuntimeDirectory = "/run/" + new string('d', 100), "SipEdge:RuntimeDirectory is too long" },
        { "state directory climbing out", options => options.StateDirectory = "/var/lib/../../etc", "SipEdge:StateDirectory must be an absolute directory path" },
        { "tls source not an address", options => options.TlsSources = ["meta.example"], "SipEdge:TlsSources has 'meta.example'" },
        {
            "nothing to admit", options =>
            {
                options.WhatsAppNumbers = [];
                options.Trunks = [];
            },
            "would refuse every call"
        },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Settings_that_could_break_or_bend_the_script_are_refused_with_the_key_named(string @case, Action<SipEdgeOptions> spoil, string expected)
    {
        var options = Production("/etc/kamailio/easymo");
        spoil(options);

        var problems = KamailioConfig.Problems(options, ProjectId, AttestationKey);

        problems.ShouldContain(problem => problem.Contains(expected, StringComparison.Ordinal), @case);
        Should.Throw<ArgumentException>(() => KamailioConfig.Render(options, ProjectId, AttestationKey));
    }

    [Theory]
    [InlineData(null, "OPENAI_PROJECT_ID is not set")]
    [InlineData("project-42", "OPENAI_PROJECT_ID must look like proj_")]
    [InlineData("proj_x\";exit;\"", "OPENAI_PROJECT_ID must look like proj_")]
    public void The_OpenAI_project_id_is_required_and_checked(string? projectId, string expected)
    {
        KamailioConfig.Problems(Production("/etc/kamailio/easymo"), projectId, AttestationKey).ShouldContain(problem => problem.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_shipped_template_has_no_placeholder_the_renderer_does_not_fill()
    {
        var template = KamailioConfig.Template();
        var rendered = KamailioConfig.Render(Production("/etc/kamailio/easymo"), ProjectId, AttestationKey).KamailioCfg;

        template.ShouldContain("{{WHATSAPP_NUMBERS}}");
        rendered.ShouldNotContain("{{");
        rendered.ShouldStartWith("#!KAMAILIO");
    }

    private static void WritePem(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sip.easymo.example", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(directory, "fullchain.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "privkey.pem"), key.ExportPkcs8PrivateKeyPem());
    }
}
