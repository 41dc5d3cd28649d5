using System.Net;
using System.Net.WebSockets;

namespace EasyMo.Bench;

/// <summary>
/// OpenAI as the benchmark needs it, and no more:
/// <list type="bullet">
/// <item><c>POST /v1/realtime/calls/{id}/{operation}</c> (accept, reject, refer, hangup) answers 200 with an empty body,
/// as OpenAI does; the request body is drained unread by Kestrel.</item>
/// <item><c>GET /v1/realtime?call_id=…</c>, the sideband WebSocket the service's monitor follows a call on, plays a short
/// call (<see cref="FakeRealtimeSocket"/>; its length and pace are <c>--call-seconds</c>, <c>--turn-interval</c>,
/// <c>--answer-timeout</c> and <c>--events full|lean</c>).</item>
/// <item><c>POST /v1/responses</c> (the post-call summary, and the analysis: a json_schema request) answers a minimal
/// completed response with one output text (the analysis's a valid JSON object).</item>
/// <item><c>GET /stats</c> tells how many of each it answered, so that run.sh can check that every call was accepted,
/// followed, consented and ended here; <c>GET /stats/transcripts-sent?from=SLOT&amp;until=SLOT</c> how many transcripts it
/// sent in those 100 ms slots of Unix time (the load generator's count of what should have been stored).</item>
/// </list>
/// </summary>
public static class FakeOpenAiServer
{
    private static readonly string[] Operations = ["accept", "reject", "refer", "hangup"];

    /// <summary>A Responses API object as <c>ResponsesCallSummarizer</c> reads it: one message with one output_text part.</summary>
    private static readonly byte[] SummaryResponse =
        """{"id":"resp_bench","object":"response","status":"completed","model":"gpt-4o-mini","output":[{"type":"message","id":"msg_bench","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Umukiriya yashakaga taxi ivuye i Kimironko ijya mu mujyi; umushoferi azamuvugisha kuri WhatsApp.","annotations":[]}]}],"usage":{"input_tokens":180,"output_tokens":30,"total_tokens":210}}"""u8.ToArray();

    /// <summary>The post-call analysis's structured output, as <c>ResponsesCallAnalyzer</c> reads it: valid, in the closed sets.</summary>
    private static readonly byte[] AnalysisResponse =
        """{"id":"resp_bench_a","object":"response","status":"completed","model":"gpt-4o-mini","output":[{"type":"message","id":"msg_bench_a","status":"completed","role":"assistant","content":[{"type":"output_text","text":"{\"service\":\"rides\",\"outcome\":\"resolved\",\"sentiment\":\"positive\",\"language\":\"rw\",\"misunderstood\":false,\"repeated\":false}","annotations":[]}]}],"usage":{"input_tokens":200,"output_tokens":30,"total_tokens":230}}"""u8.ToArray();

    public static async Task<int> RunAsync(BenchArgs args, CancellationToken stop)
    {
        var port = args.Int("port");
        var scenario = RealtimeScenario.From(args);
        var counts = new long[Operations.Length + 1];
        long responses = 0;
        long analyses = 0;
        var realtime = new RealtimeStats();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentUpgradedConnections = null;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        await using var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });

        app.MapPost("/v1/realtime/calls/{callId}/{operation}", (HttpContext context) =>
        {
            var operation = (string?)context.Request.RouteValues["operation"];
            var index = Array.IndexOf(Operations, operation);
            Interlocked.Increment(ref counts[index < 0 ? Operations.Length : index]);
            context.Response.StatusCode = index < 0 ? StatusCodes.Status404NotFound : StatusCodes.Status200OK;
            context.Response.ContentLength = 0;
            return Task.CompletedTask;
        });
        app.Map("/v1/realtime", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest || string.IsNullOrEmpty(context.Request.Query["call_id"]))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            WebSocket socket;
            try
            {
                socket = await context.WebSockets.AcceptWebSocketAsync();
            }
            catch (Exception exception) when (exception is IOException or WebSocketException or OperationCanceledException)
            {
                Interlocked.Increment(ref realtime.Failures);
                return;
            }

            await FakeRealtimeSocket.RunAsync(socket, scenario, realtime, stop);
        });
        app.MapPost("/v1/responses", async (HttpContext context) =>
        {
            // The post-call analysis asks for a json_schema text format: it gets a valid analysis; the summary its text.
            using var reader = new StreamReader(context.Request.Body);
            var analysis = (await reader.ReadToEndAsync(context.RequestAborted)).Contains("\"json_schema\"", StringComparison.Ordinal);
            Interlocked.Increment(ref analysis ? ref analyses : ref responses);
            var body = analysis ? AnalysisResponse : SummaryResponse;
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        });
        app.MapGet("/stats", (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            var json = "{" + string.Join(",", Operations.Select((op, i) => $"\"{op}\":{Interlocked.Read(ref counts[i])}"))
                + $",\"unknown\":{Interlocked.Read(ref counts[Operations.Length])},\"responses\":{Interlocked.Read(ref responses)},\"analyses\":{Interlocked.Read(ref analyses)},"
                + realtime.ToJsonFields() + "}";
            return context.Response.WriteAsync(json);
        });

        app.MapGet("/stats/transcripts-sent", (long from, long until) =>
            Results.Text(realtime.TranscriptsSentBetween(from, until).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        await app.StartAsync(stop);
        await Console.Error.WriteLineAsync($"fake-openai: listening on http://127.0.0.1:{port}/v1; sideband sockets play {scenario}");
        await WaitForStopAsync(stop);
        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    internal static async Task WaitForStopAsync(CancellationToken stop)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
            // Stopped by SIGTERM or Ctrl+C.
        }
    }
}
