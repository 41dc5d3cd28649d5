using System.CommandLine;

namespace EasyMo.Operator.Commands;

/// <summary>
/// <c>healthcheck</c>: asks a running service for <c>/health/live</c> and exits 0 when it answers 200, else 1. The
/// container's <c>HEALTHCHECK</c>: the runtime image has no curl.
/// </summary>
public static class HealthcheckCommand
{
    public const string DefaultUrl = "http://127.0.0.1:8080";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var url = new Option<string>("--url") { Description = "Base URL of the running service.", DefaultValueFactory = _ => DefaultUrl };
        var ready = new Option<bool>("--ready") { Description = "Ask /health/ready (database and migrations) instead of /health/live." };
        var command = new Command("healthcheck", "Exit 0 when the running service answers 200 on /health/live (or /health/ready), else 1.") { url, ready };
        command.SetAction((result, ct) => RunAsync(context, result.GetValue(url)!, result.GetValue(ready), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string urlText, bool ready, CancellationToken ct)
    {
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            await context.Error.WriteLineAsync("--url must be an absolute http(s) URL, such as http://127.0.0.1:8080.");
            return ExitCodes.Usage;
        }

        var probe = new Uri(baseUrl, ready ? "/health/ready" : "/health/live");
        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(probe, ct);
            await context.Out.WriteLineAsync($"{probe.AbsolutePath}: HTTP {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? ExitCodes.Ok : ExitCodes.Failed;
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !ct.IsCancellationRequested))
        {
            await context.Error.WriteLineAsync($"{probe}: no answer ({(exception is TaskCanceledException ? "timed out" : exception.Message)})");
            return ExitCodes.Failed;
        }
    }
}
