using System.Text.Json.Nodes;

namespace EasyMo.IntegrationTests.Cli;

/// <summary><c>whatsapp configure-sip</c> and <c>whatsapp show-sip</c> against <see cref="FakeGraph"/>.</summary>
public sealed class WhatsAppCommandTests
{
    [Fact]
    public async Task Configure_sip_sends_exactly_the_SIP_settings_with_the_bearer_and_version_then_reads_them_back()
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.SipPassword = Cli.NewSipPassword();
        var token = Cli.NewToken();

        var result = await Cli.RunAsync(Cli.WhatsApp(graph, token), "whatsapp", "configure-sip", "--host", "sip.easymo.example", "--port", "5062");

        result.ExitCode.ShouldBe(0, result.ToString());
        var write = graph.Requests.Single(request => request.Operation == "settings.post");
        write.Version.ShouldBe(FakeGraph.Version);
        write.Id.ShouldBe(FakeGraph.PhoneNumberId);
        write.Authorization.ShouldBe($"Bearer {token}");
        write.ContentType.ShouldNotBeNull().ShouldStartWith("application/json");
        JsonNode.DeepEquals(JsonNode.Parse(write.Body), JsonNode.Parse(
            """{"calling":{"status":"ENABLED","srtp_key_exchange_protocol":"SDES","sip":{"status":"ENABLED","servers":[{"hostname":"sip.easymo.example","port":5062}]}}}"""))
            .ShouldBeTrue(write.Body);
        var read = graph.Requests.Single(request => request.Operation == "settings.get");
        read.Query.ShouldBe("?include_sip_credentials=true");
        read.Authorization.ShouldBe($"Bearer {token}");
        graph.Requests.Select(request => request.Operation).ShouldBe(["settings.post", "settings.get"]);
        result.Out.ShouldContain("sip status: ENABLED");
        result.Out.ShouldContain("hostname: sip.easymo.example");
        result.Out.ShouldContain("port: 5062");
        result.Out.ShouldContain($"password: set ({graph.SipPassword.Length} characters)");
        result.All.ShouldNotContain(graph.SipPassword);
        result.All.ShouldNotContain(token);
        result.Error.ShouldBeEmpty();
    }

    [Fact]
    public async Task Configure_sip_defaults_to_port_5061()
    {
        await using var graph = await FakeGraph.StartAsync();

        var result = await Cli.RunAsync(Cli.WhatsApp(graph, Cli.NewToken()), "whatsapp", "configure-sip", "--host", "sip.easymo.example");

        result.ExitCode.ShouldBe(0, result.ToString());
        var server = graph.Requests.Single(request => request.Operation == "settings.post").Json.GetProperty("calling").GetProperty("sip").GetProperty("servers")[0];
        server.GetProperty("port").GetInt32().ShouldBe(5061);
    }

    [Fact]
    public async Task Configure_sip_exits_1_naming_what_differs_when_the_read_back_is_not_what_was_sent()
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.SettingsFollowUpdates = false;
        graph.SettingsBody = """{"calling":{"status":"ENABLED","srtp_key_exchange_protocol":"DTLS","sip":{"status":"DISABLED","servers":[{"hostname":"old.easymo.example","port":5061}]}}}""";

        var result = await Cli.RunAsync(Cli.WhatsApp(graph, Cli.NewToken()), "whatsapp", "configure-sip", "--host", "sip.easymo.example");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Error.ShouldContain("SIP status is DISABLED, expected ENABLED");
        result.Error.ShouldContain("old.easymo.example:5061");
        result.Error.ShouldContain("expected sip.easymo.example:5061");
        result.Error.ShouldContain("warning: srtp_key_exchange_protocol reads back as DTLS");
        result.ShouldHaveNoStackTrace();
    }

    [Theory]
    [InlineData("SDES-SRTP", false)]
    [InlineData("SDES", false)]
    [InlineData(null, true)]
    public async Task Configure_sip_warns_when_the_srtp_protocol_reads_back_as_neither_SDES_spelling(string? protocol, bool warns)
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.SettingsFollowUpdates = false;
        var srtp = protocol is null ? "" : $"\"srtp_key_exchange_protocol\":\"{protocol}\",";
        graph.SettingsBody = """{"calling":{"status":"ENABLED",<SRTP>"sip":{"status":"ENABLED","servers":[{"hostname":"sip.easymo.example","port":5061,"app_id":"1","sip_user_password":"x"}]}}}""".Replace("<SRTP>", srtp, StringComparison.Ordinal);

        var result = await Cli.RunAsync(Cli.WhatsApp(graph, Cli.NewToken()), "whatsapp", "configure-sip", "--host", "sip.easymo.example");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Error.Contains("warning: srtp_key_exchange_protocol", StringComparison.Ordinal).ShouldBe(warns, result.ToString());
    }

    [Fact]
    public async Task A_Graph_error_is_one_line_with_Graphs_code_and_message_and_exit_1()
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.SettingsError = new GraphReply(400, 138015, null) { ErrorMessage = "(#138015) Calling is not available for this business number" };

        var result = await Cli.RunAsync(Cli.WhatsApp(graph, Cli.NewToken()), "whatsapp", "configure-sip", "--host", "sip.easymo.example");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Error.ShouldBe("error: the Graph API refused (HTTP 400, code 138015): (#138015) Calling is not available for this business number" + Environment.NewLine);
        result.Out.ShouldBeEmpty();
        graph.Requests.ShouldNotContain(request => request.Operation == "settings.get");
        result.ShouldHaveNoStackTrace();
    }

    [Fact]
    public async Task A_Graph_server_error_without_the_envelope_names_the_HTTP_status()
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.SettingsError = new GraphReply(503, null, null);

        var result = await Cli.RunAsync(Cli.WhatsApp(graph, Cli.NewToken()), "whatsapp", "show-sip");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Error.ShouldBe("error: the Graph API refused (HTTP 503)." + Environment.NewLine);
        result.ShouldHaveNoStackTrace();
    }

    [Fact]
    public async Task An_unreachable_Graph_is_one_line_and_exit_1()
    {
        Uri baseUrl;
        await using (var gone = await FakeGraph.StartAsync())
        {
            baseUrl = gone.BaseUrl;
        }

        var settings = new Dictionary<string, string?>
        {
            ["WhatsApp:AccessToken"] = Cli.NewToken(),
            ["WhatsApp:PhoneNumberId"] = FakeGraph.PhoneNumberId,
            ["WhatsApp:GraphBaseUrl"] = baseUrl.ToString(),
        };
        var result = await Cli.RunAsync(settings, "whatsapp", "show-sip");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Error.ShouldStartWith("error: the Graph API could not be reached");
        result.Error.TrimEnd().ShouldNotContain("\n");
        result.ShouldHaveNoStackTrace();
    }

    [Theory]
    [InlineData("whatsapp", "show-sip")]
    [InlineData("whatsapp", "configure-sip", "--host", "sip.easymo.example")]
    public async Task Without_a_token_and_a_number_id_each_is_named_on_its_own_line_and_exit_2(params string[] args)
    {
        await using var graph = await FakeGraph.StartAsync();
        var settings = Cli.WhatsApp(graph, Cli.NewToken());
        settings["WhatsApp:AccessToken"] = "";
        settings["WhatsApp:PhoneNumberId"] = " ";

        var result = await Cli.RunAsync(settings, args);

        result.ExitCode.ShouldBe(2, result.ToString());
        var lines = result.Error.TrimEnd().Split(Environment.NewLine);
        lines.Length.ShouldBe(2, result.ToString());
        lines[0].ShouldStartWith("WHATSAPP_ACCESS_TOKEN");
        lines[1].ShouldStartWith("WHATSAPP_PHONE_NUMBER_ID");
        graph.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_only_the_number_id_only_it_is_named()
    {
        await using var graph = await FakeGraph.StartAsync();
        var settings = Cli.WhatsApp(graph, Cli.NewToken());
        settings["WhatsApp:PhoneNumberId"] = "";

        var result = await Cli.RunAsync(settings, "whatsapp", "show-sip");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("WHATSAPP_PHONE_NUMBER_ID");
        result.Error.ShouldNotContain("WHATSAPP_ACCESS_TOKEN");
        graph.Requests.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("203.0.113.7", "not an IP address")]
    [InlineData("2001:db8::1", "not an IP address")]
    [InlineData("localhost", "fully qualified")]
    [InlineData("sip_easymo.example", "fully qualified")]
    [InlineData("-sip.easymo.example", "fully qualified")]
    [InlineData("sip..easymo.example", "fully qualified")]
    public async Task Configure_sip_refuses_a_host_that_is_not_a_DNS_host_name(string host, string reason)
    {
        await using var graph = await FakeGraph.StartAsync();

        var result = await Cli.RunAsync(Cli.WhatsApp(graph, Cli.NewToken()), "whatsapp", "configure-sip", "--host", host);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain(reason);
        result.Error.ShouldContain("certificate");
        graph.Requests.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    public async Task Configure_sip_refuses_a_port_out_of_range(string port)
    {
        await using var graph = await FakeGraph.StartAsync();

        var result = await Cli.RunAsync(Cli.WhatsApp(graph, Cli.NewToken()), "whatsapp", "configure-sip", "--host", "sip.easymo.example", "--port", port);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("--port");
        graph.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Configure_sip_without_a_host_is_a_usage_error()
    {
        await using var graph = await FakeGraph.StartAsync();

        var result = await Cli.RunAsync(Cli.WhatsApp(graph, Cli.NewToken()), "whatsapp", "configure-sip");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("--host");
        graph.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Show_sip_says_the_password_is_set_and_never_prints_it()
    {
        await using var graph = await FakeGraph.StartAsync();
        var password = Cli.NewSipPassword();
        var token = Cli.NewToken();
        graph.SettingsBody = """{"calling":{"status":"ENABLED","srtp_key_exchange_protocol":"SDES","sip":{"status":"ENABLED","servers":[{"hostname":"sip.easymo.example","port":5061,"app_id":"987654321","sip_user_password":"<PASSWORD>"},{"hostname":"other.example","port":5070,"app_id":"42"}]}}}""".Replace("<PASSWORD>", password, StringComparison.Ordinal);

        var result = await Cli.RunAsync(Cli.WhatsApp(graph, token), "whatsapp", "show-sip");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldBe(string.Join(Environment.NewLine,
            "calling status: ENABLED",
            "srtp key exchange protocol: SDES",
            "sip status: ENABLED",
            "sip server 1:",
            "  hostname: sip.easymo.example",
            "  port: 5061",
            "  app id: 987654321",
            $"  password: set ({password.Length} characters)",
            "sip server 2:",
            "  hostname: other.example",
            "  port: 5070",
            "  app id: 42",
            "  password: not set",
            ""));
        result.All.ShouldNotContain(password);
        result.All.ShouldNotContain(token);
        var read = graph.Requests.ShouldHaveSingleItem();
        read.Operation.ShouldBe("settings.get");
        read.Query.ShouldBe("?include_sip_credentials=true");
        read.Authorization.ShouldBe($"Bearer {token}");
    }

    [Fact]
    public async Task Show_sip_accepts_the_password_under_the_specs_name_too_and_masks_it()
    {
        await using var graph = await FakeGraph.StartAsync();
        var password = Cli.NewSipPassword();
        graph.SettingsBody = """{"calling":{"status":"ENABLED","sip":{"status":"ENABLED","servers":[{"hostname":"sip.easymo.example","port":5061,"password":"<PASSWORD>"}]}}}""".Replace("<PASSWORD>", password, StringComparison.Ordinal);

        var result = await Cli.RunAsync(Cli.WhatsApp(graph, Cli.NewToken()), "whatsapp", "show-sip");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldContain($"password: set ({password.Length} characters)");
        result.All.ShouldNotContain(password);
    }

    [Fact]
    public async Task Show_sip_json_is_Graphs_shape_with_the_password_masked()
    {
        await using var graph = await FakeGraph.StartAsync();
        var password = Cli.NewSipPassword();
        graph.SettingsBody = """{"calling":{"status":"ENABLED","srtp_key_exchange_protocol":"SDES-SRTP","sip":{"status":"ENABLED","servers":[{"hostname":"sip.easymo.example","port":5061,"app_id":"1234","sip_user_password":"<PASSWORD>"}]}}}""".Replace("<PASSWORD>", password, StringComparison.Ordinal);

        var result = await Cli.RunAsync(Cli.WhatsApp(graph, Cli.NewToken()), "whatsapp", "show-sip", "--json");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.All.ShouldNotContain(password);
        var calling = JsonDocument.Parse(result.Out).RootElement.GetProperty("calling");
        calling.GetProperty("status").GetString().ShouldBe("ENABLED");
        calling.GetProperty("srtp_key_exchange_protocol").GetString().ShouldBe("SDES-SRTP");
        var server = calling.GetProperty("sip").GetProperty("servers").EnumerateArray().ShouldHaveSingleItem();
        server.GetProperty("hostname").GetString().ShouldBe("sip.easymo.example");
        server.GetProperty("port").GetInt32().ShouldBe(5061);
        server.GetProperty("app_id").GetString().ShouldBe("1234");
        server.GetProperty("password").GetProperty("set").GetBoolean().ShouldBeTrue();
        server.GetProperty("password").GetProperty("length").GetInt32().ShouldBe(password.Length);
    }

    [Fact]
    public async Task Show_sip_of_a_number_without_SIP_says_so()
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.SettingsBody = """{"calling":{"status":"DISABLED"}}""";

        var result = await Cli.RunAsync(Cli.WhatsApp(graph, Cli.NewToken()), "whatsapp", "show-sip");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldContain("calling status: DISABLED");
        result.Out.ShouldContain("sip status: not set");
        result.Out.ShouldContain("sip servers: none");
    }
}
