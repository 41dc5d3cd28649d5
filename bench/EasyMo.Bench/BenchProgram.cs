namespace EasyMo.Bench;

/// <summary>
/// <c>EasyMo.Bench MODE [--option value]…</c>. Modes:
/// <list type="bullet">
/// <item><c>fake-openai --port P [--call-seconds 5] [--turn-interval 1] …</c>: OpenAI's Realtime calls API (200 with an
/// empty body), the sideband socket playing a short call, and the Responses API for summaries.</item>
/// <item><c>bare --port P --secret S</c>: the framework ceiling (raw body, signature check, 200).</item>
/// <item><c>load --url U --secret S --concurrency N --duration D --warmup W [--pid PID] …</c>: the load generator.</item>
/// <item><c>report --results FILE</c>: the markdown table from the JSON lines of a run.</item>
/// <item><c>mirror-check --stats FILE --script FILE</c>: does the pgbench script still issue the service's statements?</item>
/// <item><c>wait-http --url U [--timeout S]</c> and <c>free-port</c>: helpers for run.sh.</item>
/// </list>
/// </summary>
public static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            await Console.Error.WriteLineAsync(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            var options = BenchArgs.Parse(args.AsSpan(1));
            using var stop = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
                System.Runtime.InteropServices.PosixSignal.SIGTERM,
                context =>
                {
                    context.Cancel = true;
                    stop.Cancel();
                });

            return args[0] switch
            {
                "fake-openai" => await FakeOpenAiServer.RunAsync(options, stop.Token),
                "bare" => await BareServer.RunAsync(options, stop.Token),
                "load" => await LoadGenerator.RunAsync(options, stop.Token),
                "report" => Report.Run(options),
                "mirror-check" => MirrorCheck.Run(options),
                "wait-http" => await Helpers.WaitHttpAsync(options, stop.Token),
                "free-port" => Helpers.FreePort(),
                _ => throw new ArgumentException($"unknown mode '{args[0]}'"),
            };
        }
        catch (ArgumentException exception)
        {
            await Console.Error.WriteLineAsync($"error: {exception.Message}");
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
    }

    private const string Usage = """
        usage: EasyMo.Bench MODE [options]
          fake-openai --port P [--call-seconds 5] [--turn-interval 1] [--answer-timeout 10] [--events full|lean]
          bare        --port P --secret whsec_…
          load        --url U --secret whsec_… --concurrency N --duration SECONDS --warmup SECONDS
                      [--rate CALLS_PER_S [--overrun 15]] [--pid PID] [--kind NAME] [--label NAME] [--callers 1000] [--prime | --prime-only] [--cpu NAME=PID]… [--expect-outcome accepted]
                      monitored calls: [--metrics SERVICE_METRICS_URL] [--fake-stats FAKE_STATS_URL] [--db CONNECTION_STRING] [--lag-grace 3]
                      [--wait-idle SECONDS] [--fresh-rss-kib N] [--target-live N] [--lag-limit SECONDS (exit 3 when the lag p99 passes it or errors appear)]
          report      --results FILE.jsonl
          mirror-check --stats PER_CALL_STATEMENTS --script PGBENCH.sql [--calls N]
          wait-http   --url U [--timeout SECONDS]
          free-port
        """;
}
