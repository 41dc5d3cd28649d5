using System.Diagnostics;
using EasyMo.WebApi.Cli;

namespace EasyMo.IntegrationTests.Cli;

/// <summary>The command line as a whole: help, usage errors, and the program's own entry point choosing a command over serving.</summary>
public sealed class CliEntryTests
{
    [Fact]
    public async Task Help_lists_the_command_groups()
    {
        var result = await Cli.RunAsync(new Dictionary<string, string?>(), "--help");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldContain("openai");
        result.Out.ShouldContain("whatsapp");
    }

    [Theory]
    [InlineData(new[] { "whatsapp", "--help" }, new[] { "configure-sip", "show-sip" })]
    [InlineData(new[] { "openai", "--help" }, new[] { "sip-uri" })]
    [InlineData(new[] { "whatsapp", "configure-sip", "--help" }, new[] { "--host", "--port", "5061", "certificate" })]
    [InlineData(new[] { "whatsapp", "show-sip", "-h" }, new[] { "--json", "masked" })]
    [InlineData(new[] { "openai", "sip-uri", "--help" }, new[] { "OPENAI_PROJECT_ID" })]
    public async Task Every_command_has_help(string[] args, string[] expected)
    {
        // No configuration at all: help never needs any.
        var result = await Cli.RunAsync(new Dictionary<string, string?> { ["OpenAI:ProjectId"] = "" }, args);

        result.ExitCode.ShouldBe(0, result.ToString());
        foreach (var text in expected)
        {
            result.Out.ShouldContain(text);
        }
    }

    [Theory]
    [InlineData("whatsapp")]
    [InlineData("whatsapp", "no-such-command")]
    [InlineData("openai", "sip-uri", "--unknown")]
    public async Task A_usage_error_exits_2_on_stderr(params string[] args)
    {
        var result = await Cli.RunAsync(new Dictionary<string, string?>(), args);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldNotBeEmpty();
        result.Out.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(true, "whatsapp", "show-sip")]
    [InlineData(true, "openai")]
    [InlineData(true, "--help")]
    [InlineData(false)]
    [InlineData(false, "--urls", "http://127.0.0.1:5000")]
    [InlineData(false, "serve")]
    public void The_program_runs_a_command_only_when_the_first_argument_names_one(bool command, params string[] args) =>
        EasyMoCli.IsCommand(args).ShouldBe(command);

    [Fact]
    public async Task The_built_program_runs_a_command_with_its_environment_and_exits()
    {
        var program = Path.Combine(AppContext.BaseDirectory, "EasyMo.WebApi.dll");
        File.Exists(program).ShouldBeTrue(program);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in new[] { program, "openai", "sip-uri" })
        {
            start.ArgumentList.Add(arg);
        }

        // The deployment's variable name (an alias), and nothing the web app would need to serve.
        start.Environment["OPENAI_PROJECT_ID"] = "proj_fromTheEnvironment";
        start.Environment.Remove("ConnectionStrings__EasyMo");
        start.Environment.Remove("OPENAI_API_KEY");

        using var process = Process.Start(start).ShouldNotBeNull();
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        process.ExitCode.ShouldBe(0, await stderr);
        (await stdout).ShouldBe("sip:proj_fromTheEnvironment@sip.api.openai.com;transport=tls" + Environment.NewLine);
    }
}
