using System.Net;
using EasyMo.WebApi.Webhooks;
using EasyMo.Infrastructure.OpenAi;

namespace EasyMo.Bench;

/// <summary>
/// The framework ceiling: a bare Kestrel endpoint at the service's path that reads the raw body with the service's
/// <see cref="RawBody"/>, verifies the Standard Webhooks signature with the service's <see cref="StandardWebhookVerifier"/>
/// and answers 200 (401 on a bad signature). No database, no OpenAI call, no logging, no middleware.
/// </summary>
public static class BareServer
{
    public static async Task<int> RunAsync(BenchArgs args, CancellationToken stop)
    {
        var port = args.Int("port");
        var verifier = new StandardWebhookVerifier(args.Required("secret"), TimeProvider.System);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        await using var app = builder.Build();

        app.MapPost("/openai-sip-webhook", async (HttpContext context) =>
        {
            var request = context.Request;
            var body = await RawBody.ReadAsync(request, 256 * 1024, context.RequestAborted);
            if (body is null)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }

            var verification = verifier.Verify(
                request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Headers["webhook-signature"], body);
            context.Response.StatusCode = verification == WebhookVerification.Valid
                ? StatusCodes.Status200OK
                : StatusCodes.Status401Unauthorized;
            context.Response.ContentLength = 0;
        });
        app.MapGet("/health/ready", () => "ok");

        await app.StartAsync(stop);
        await Console.Error.WriteLineAsync(
            $"bare: listening on http://127.0.0.1:{port}/openai-sip-webhook (server GC: {System.Runtime.GCSettings.IsServerGC})");
        await FakeOpenAiServer.WaitForStopAsync(stop);
        await app.StopAsync(CancellationToken.None);
        return 0;
    }
}
