namespace EasyMo.IntegrationTests.Cli;

/// <summary><c>openai sip-uri</c>: the URI a carrier trunk is pointed at.</summary>
public sealed class OpenAiCommandTests
{
    [Fact]
    public async Task Sip_uri_prints_the_projects_URI()
    {
        var result = await Cli.RunAsync(new Dictionary<string, string?> { ["OpenAI:ProjectId"] = "proj_Ab3-x_9" }, "openai", "sip-uri");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldBe("sip:proj_Ab3-x_9@sip.api.openai.com;transport=tls" + Environment.NewLine);
        result.Error.ShouldBeEmpty();
    }

    [Fact]
    public async Task Sip_uri_without_a_project_id_names_the_variable_and_exits_2()
    {
        var result = await Cli.RunAsync(new Dictionary<string, string?> { ["OpenAI:ProjectId"] = "" }, "openai", "sip-uri");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Out.ShouldBeEmpty();
        result.Error.TrimEnd().ShouldNotContain("\n");
        result.Error.ShouldContain("OPENAI_PROJECT_ID");
    }

    [Theory]
    [InlineData("sk-proj-abcdef")]
    [InlineData("proj_a b")]
    [InlineData("proj_abc@evil.example")]
    [InlineData("proj_abc;transport=udp")]
    [InlineData("PROJ_abc")]
    public async Task Sip_uri_refuses_what_is_not_a_project_id_without_echoing_it(string projectId)
    {
        var result = await Cli.RunAsync(new Dictionary<string, string?> { ["OpenAI:ProjectId"] = projectId }, "openai", "sip-uri");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Out.ShouldBeEmpty();
        result.Error.ShouldContain("OPENAI_PROJECT_ID");
        result.Error.ShouldNotContain(projectId);
    }
}
