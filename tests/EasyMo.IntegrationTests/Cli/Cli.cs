using System.Security.Cryptography;
using EasyMo.Operator;

namespace EasyMo.IntegrationTests.Cli;

/// <summary>What a command printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>Both streams, for asserting that something appears on neither.</summary>
    public string All => Out + Error;

    public override string ToString() => $"exit {ExitCode}{Environment.NewLine}stdout:{Environment.NewLine}{Out}stderr:{Environment.NewLine}{Error}";
}

/// <summary>Runs the operator commands in-process, with configuration overrides that win over the machine's environment.</summary>
internal static class Cli
{
    public static Task<CliResult> RunAsync(IDictionary<string, string?> settings, params string[] args) => RunInAsync(null, settings, args);

    /// <summary>As <see cref="RunAsync"/>, for a service in <paramref name="environment"/> (null: the machine's, as the tool reads it).</summary>
    public static async Task<CliResult> RunInAsync(string? environment, IDictionary<string, string?> settings, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await EasyMoCli.RunAsync(args, stdout, stderr, settings, environment, TestContext.Current.CancellationToken);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The WhatsApp settings of a number at <paramref name="graph"/>, with a generated token.</summary>
    public static Dictionary<string, string?> WhatsApp(FakeGraph graph, string accessToken) => new()
    {
        ["WhatsApp:AccessToken"] = accessToken,
        ["WhatsApp:PhoneNumberId"] = FakeGraph.PhoneNumberId,
        ["WhatsApp:GraphBaseUrl"] = graph.BaseUrl.ToString(),
        ["WhatsApp:ApiVersion"] = FakeGraph.Version,
        ["WhatsApp:RequestTimeout"] = "00:00:05",
    };

    public static string NewToken() => "EAAG" + Convert.ToHexString(RandomNumberGenerator.GetBytes(20));

    /// <summary>A password of Meta's kind: generated, so a test can look for it in what was printed.</summary>
    public static string NewSipPassword() => "pw" + Convert.ToHexString(RandomNumberGenerator.GetBytes(11));

    /// <summary>Neither stream shows a .NET stack trace.</summary>
    public static void ShouldHaveNoStackTrace(this CliResult result)
    {
        result.All.ShouldNotContain("   at ", customMessage: result.ToString());
        result.All.ShouldNotContain("--- End of", customMessage: result.ToString());
    }
}
