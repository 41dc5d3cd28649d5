using System.Net;

namespace EasyMo.Bench;

/// <summary>
/// OpenAI's Realtime calls API as the benchmark needs it, and no more: <c>POST /v1/realtime/calls/{id}/{operation}</c>
/// answers 200 with an empty body, as OpenAI does. The request body is drained unread by Kestrel. <c>GET /stats</c>
/// tells how many of each operation it answered, so that run.sh can check that every call was accepted here.
/// </summary>
public static class FakeOpenAiServer
{
    private static readonly string[] Operations = ["accept", "reject", "refer", "hangup"];

    public static async Task<int> RunAsync(BenchArgs args, CancellationToken stop)
    {
        var port = args.Int("port");
        var counts = new long[Operations.Length + 1];

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        await using var app = builder.Build();

        app.MapPost("/v1/realtime/calls/{callId}/{operation}", (HttpContext context) =>
        {
            var operation = (string?)context.Request.RouteValues["operation"];
            var index = Array.IndexOf(Operations, operation);
            Interlocked.Increment(ref counts[index < 0 ? Operations.Length : index]);
            context.Response.StatusCode = index < 0 ? StatusCodes.Status404NotFound : StatusCodes.Status200OK;
            context.Response.ContentLength = 0;
            return Task.CompletedTask;
        });
        app.MapGet("/stats", (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            var json = "{" + string.Join(",", Operations.Select((op, i) => $"\"{op}\":{Interlocked.Read(ref counts[i])}"))
                + $",\"unknown\":{Interlocked.Read(ref counts[Operations.Length])}}}";
            return context.Response.WriteAsync(json);
        });

        await app.StartAsync(stop);
        await Console.Error.WriteLineAsync($"fake-openai: listening on http://127.0.0.1:{port}/v1");
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
