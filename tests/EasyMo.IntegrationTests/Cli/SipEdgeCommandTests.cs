using System.Security.Cryptography;
using EasyMo.Operator.SipEdge;

namespace EasyMo.IntegrationTests.Cli;

/// <summary><c>sip-edge render</c>: the Kamailio configuration written from the settings, with Meta's password fetched when asked.</summary>
public sealed class SipEdgeCommandTests : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("easymo-sip-edge-cli-").FullName;
    private readonly string attestationKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private Dictionary<string, string?> Settings(string? password) => new()
    {
        ["OpenAI:ProjectId"] = "proj_cliTest7",
        ["SipEdge:Host"] = "sip.easymo.example",
        ["SipEdge:TlsCertificate"] = "/etc/kamailio/easymo/fullchain.pem",
        ["SipEdge:TlsPrivateKey"] = "/etc/kamailio/easymo/privkey.pem",
        ["SipEdge:WhatsAppNumbers:0:Number"] = "+250788000001",
        ["SipEdge:WhatsAppNumbers:0:Password"] = password,
        ["SipEdge:Trunks:0:Name"] = "mtn-rw",
        ["SipEdge:Trunks:0:Sources:0"] = "196.12.128.0/20",
        ["SipEdge:Trunks:0:Numbers:0"] = "+250788000010",
        ["Identity:AttestationKey"] = attestationKey,
    };

    public void Dispose() => Directory.Delete(output, recursive: true);

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Render_writes_both_files_for_the_owner_only_and_prints_no_password()
    {
        var password = Cli.NewSipPassword();

        var result = await Cli.RunAsync(Settings(password), "sip-edge", "render", "--out", output);

        result.ExitCode.ShouldBe(0, result.ToString());
        var config = await File.ReadAllTextAsync(Path.Combine(output, "kamailio.cfg"), TestContext.Current.CancellationToken);
        config.ShouldContain("$ru = \"sip:proj_cliTest7@sip.api.openai.com;transport=tls\";");
        config.ShouldNotContain(password);
        config.ShouldContain($"$var(ha1_plus) = \"{KamailioConfig.Ha1("+250788000001", "sip.easymo.example", password)}\";");
        config.ShouldContain($"\"{attestationKey}\"");
        config.ShouldContain("trunk:mtn-rw");
        (await File.ReadAllTextAsync(Path.Combine(output, "tls.cfg"), TestContext.Current.CancellationToken)).ShouldContain("certificate = /etc/kamailio/easymo/fullchain.pem");
        File.GetUnixFileMode(Path.Combine(output, "kamailio.cfg")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(Path.Combine(output, "tls.cfg")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        result.Out.ShouldContain("1 WhatsApp number(s), 1 trunk(s)");
        result.All.ShouldNotContain(password);
        result.All.ShouldNotContain(attestationKey);
    }

    [Fact]
    public async Task Render_refuses_incomplete_settings_one_line_each_and_writes_nothing()
    {
        var settings = Settings(password: null);
        settings["OpenAI:ProjectId"] = null;
        settings["Identity:AttestationKey"] = null;

        var result = await Cli.RunAsync(settings, "sip-edge", "render", "--out", output);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("OPENAI_PROJECT_ID is not set");
        result.Error.ShouldContain("SIP_EDGE_ATTESTATION_KEY is not set");
        result.Error.ShouldContain("SipEdge:WhatsAppNumbers:0:Password is not set for +250788000001");
        Directory.EnumerateFiles(output).ShouldBeEmpty();
        result.ShouldHaveNoStackTrace();
    }

    [Fact]
    public async Task Fetch_credentials_takes_Metas_password_for_the_number_from_the_Graph_API()
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.SettingsFollowUpdates = false;
        var password = Cli.NewSipPassword();
        graph.SettingsBody = """{"calling":{"status":"ENABLED","sip":{"status":"ENABLED","servers":[{"hostname":"sip.easymo.example","port":5061,"app_id":"1234","sip_user_password":"PASSWORD"}]}}}"""
            .Replace("PASSWORD", password, StringComparison.Ordinal);
        var token = Cli.NewToken();
        var settings = Settings(password: null);
        settings.With(Cli.WhatsApp(graph, token));

        var result = await Cli.RunAsync(settings, "sip-edge", "render", "--out", output, "--fetch-credentials");

        result.ExitCode.ShouldBe(0, result.ToString());
        var read = graph.Requests.ShouldHaveSingleItem();
        read.Operation.ShouldBe("settings.get");
        read.Query.ShouldBe("?include_sip_credentials=true");
        read.Authorization.ShouldBe($"Bearer {token}");
        (await File.ReadAllTextAsync(Path.Combine(output, "kamailio.cfg"), TestContext.Current.CancellationToken))
            .ShouldContain($"$var(ha1_bare) = \"{KamailioConfig.Ha1("250788000001", "sip.easymo.example", password)}\";");
        result.All.ShouldNotContain(password);
        result.All.ShouldNotContain(token);
    }

    [Fact]
    public async Task Fetch_credentials_without_a_SIP_server_for_the_host_says_to_configure_it_first()
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.SettingsFollowUpdates = false;
        graph.SettingsBody = """{"calling":{"status":"ENABLED","sip":{"status":"DISABLED","servers":[]}}}""";
        var settings = Settings(password: null);
        settings.With(Cli.WhatsApp(graph, Cli.NewToken()));

        var result = await Cli.RunAsync(settings, "sip-edge", "render", "--out", output, "--fetch-credentials");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Error.ShouldContain("whatsapp configure-sip --host sip.easymo.example");
        Directory.EnumerateFiles(output).ShouldBeEmpty();
    }
}
