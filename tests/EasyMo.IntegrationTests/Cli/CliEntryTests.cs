using System.Diagnostics;

namespace EasyMo.IntegrationTests.Cli;

/// <summary>The operator's tool as a whole: help, usage errors, the built program, and the service refusing its commands.</summary>
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

    [Fact]
    public async Task The_built_tool_runs_a_command_with_its_environment_and_exits()
    {
        // The deployment's variable name (an alias), and nothing the web app would need to serve.
        var (exitCode, stdout, stderr) = await RunBuiltAsync(
            "EasyMo.Operator.dll", ["openai", "sip-uri"], new() { ["OPENAI_PROJECT_ID"] = "proj_fromTheEnvironment" });

        exitCode.ShouldBe(0, stderr);
        stdout.ShouldBe("sip:proj_fromTheEnvironment@sip.api.openai.com;transport=tls" + Environment.NewLine);
    }

    [Fact]
    public async Task The_built_tool_without_a_command_lists_the_commands()
    {
        var (exitCode, stdout, stderr) = await RunBuiltAsync("EasyMo.Operator.dll", [], []);

        exitCode.ShouldBe(0, stderr);
        foreach (var command in new[] { "migrate", "doctor", "healthcheck", "simulate-call", "sip-edge", "whatsapp", "openai" })
        {
            stdout.ShouldContain(command);
        }
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("whatsapp", "show-sip")]
    public async Task The_service_refuses_an_operator_command_and_names_the_tool(params string[] args)
    {
        // Before the tool was a program of its own, the service ran these; now it must not start serving instead.
        var (exitCode, stdout, stderr) = await RunBuiltAsync("EasyMo.WebApi.dll", args, []);

        exitCode.ShouldBe(2, stdout + stderr);
        stderr.ShouldContain("EasyMo.Operator");
        stderr.ShouldContain(args[0]);
    }

    /// <summary>Runs a built program beside the tests, without the variables a service would need to serve.</summary>
    private static async Task<(int ExitCode, string Out, string Error)> RunBuiltAsync(
        string dll, string[] args, Dictionary<string, string> environment)
    {
        var program = Path.Combine(AppContext.BaseDirectory, dll);
        File.Exists(program).ShouldBeTrue(program);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in new[] { program }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("ConnectionStrings__EasyMo");
        start.Environment.Remove("OPENAI_API_KEY");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start).ShouldNotBeNull();
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
