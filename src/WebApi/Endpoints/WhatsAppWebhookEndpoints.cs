using EasyMo.Application.Common.Metrics;
using EasyMo.WebApi.Security;
using System.Text;
using System.Text.Json;
using EasyMo.Application.Features.WhatsApp;
using EasyMo.WebApi.Webhooks;
using Mediator;

namespace EasyMo.WebApi.Endpoints;

/// <summary>
/// <c>GET|POST /whatsapp-webhook</c> (also at the original function names): Meta's subscription handshake, and signed
/// webhooks. In order: size (413), <c>X-Hub-Signature-256</c> over the raw bytes (401), shape (400), then one mediator
/// command per event of every entry and change; each is deduplicated by its own key, so Meta's redeliveries change nothing.
/// </summary>
public static partial class WhatsAppWebhookEndpoints
{
    public const string Path = "/whatsapp-webhook";
    public const int MaxBodyBytes = 3 * 1024 * 1024;
    public const string BusinessAccountObject = "whatsapp_business_account";

    /// <summary>The route and the two names the original deployment's functions had.</summary>
    public static IReadOnlyList<string> Paths { get; } = [Path, "/wa-webhook-voice-calls", "/wa-webhook-voice-messages"];

    public static IEndpointRouteBuilder MapWhatsAppWebhooks(this IEndpointRouteBuilder app)
    {
        // The final configuration (environment, appsettings, test hosts): read once, like the OpenAI verifier.
        var configuration = app.ServiceProvider.GetRequiredService<IConfiguration>();
        var verifier = new WhatsAppSignatureVerifier(configuration["WhatsApp:AppSecret"]);
        var verifyToken = new SecretToken(configuration["WhatsApp:VerifyToken"]);
        if (!verifier.IsConfigured)
        {
            NotConfigured(app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WhatsAppWebhookEndpoints)));
        }

        foreach (var path in Paths)
        {
            app.MapGet(path, (HttpRequest request, ILoggerFactory loggers) => Handshake(request, verifyToken, loggers));
            app.MapPost(path, (HttpContext context, ISender sender, EasyMoMetrics metrics, ILoggerFactory loggers) => ReceiveAsync(context, verifier, sender, metrics, loggers));
        }

        return app;
    }

    private static IResult Handshake(HttpRequest request, SecretToken verifyToken, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(WhatsAppWebhookEndpoints));
        var query = request.Query;
        var refusal = !verifyToken.IsConfigured ? HandshakeRefusal.NoVerifyToken
            : query["hub.mode"] != "subscribe" ? HandshakeRefusal.NotSubscribe
            : !verifyToken.Matches(query["hub.verify_token"]) ? HandshakeRefusal.WrongVerifyToken
            : (HandshakeRefusal?)null;
        if (refusal is { } reason)
        {
            HandshakeRefused(logger, reason);
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Verification refused",
                detail: "hub.mode must be subscribe and hub.verify_token the configured verify token.");
        }

        if (query["hub.challenge"] is not [{ Length: > 0 } challenge])
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed verification",
                detail: "hub.challenge is required.");
        }

        HandshakeVerified(logger);
        return TypedResults.Text(challenge, "text/plain", Encoding.UTF8);
    }

    private static async Task<IResult> ReceiveAsync(HttpContext context, WhatsAppSignatureVerifier verifier, ISender sender, EasyMoMetrics metrics, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(WhatsAppWebhookEndpoints));
        var request = context.Request;
        var body = await RawBody.ReadAsync(request, MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large",
                detail: $"Webhook bodies are at most {MaxBodyBytes / (1024 * 1024)} MiB.");
        }

        var verification = verifier.Verify(request.Headers[WhatsAppSignatureVerifier.HeaderName], body);
        if (verification != WhatsAppSignatureVerification.Valid)
        {
            metrics.WhatsAppSignatureFailed();
            SignatureRejected(logger, verification);
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid webhook signature",
                detail: verification == WhatsAppSignatureVerification.MissingHeader
                    ? "The X-Hub-Signature-256 header is required."
                    : "X-Hub-Signature-256 does not match the body.");
        }

        WhatsAppWebhookPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize(body, WhatsAppWebhookJsonContext.Default.WhatsAppWebhookPayload);
        }
        catch (JsonException)
        {
            return BadPayload("The body is not a WhatsApp webhook: malformed JSON, or members of unexpected types.");
        }

        if (payload?.Object is null || payload.Entry is null)
        {
            return BadPayload("The body is not a WhatsApp webhook: 'object' and 'entry' (an array) are required.");
        }

        if (payload.Entry.Any(entry => entry is null) || payload.Entry.Any(entry => entry!.Changes?.Any(change => change is null) == true))
        {
            return BadPayload("Every entry and every change must be an object.");
        }

        if (payload.Object != BusinessAccountObject)
        {
            Ignored(logger, $"object {(payload.Object.Length <= 64 ? payload.Object : payload.Object[..64])}");
            return TypedResults.Ok(new WhatsAppWebhookAnswer(0, 0, 1));
        }

        var plan = WhatsAppWebhookCommands.Plan(payload);
        foreach (var reason in plan.Ignored)
        {
            Ignored(logger, reason);
        }

        // Not the request's token: an event started is recorded whole even if Meta stops waiting (each is its own transaction).
        int recorded = 0, duplicates = 0, ignored = plan.Ignored.Count;
        foreach (var command in plan.Commands)
        {
            switch (await sender.Send(command, CancellationToken.None))
            {
                case WhatsAppEventOutcome.Recorded:
                    recorded++;
                    break;
                case WhatsAppEventOutcome.Ignored:
                    ignored++; // understood, deliberately not kept (a recording without consent)
                    break;
                default:
                    duplicates++;
                    break;
            }
        }

        Received(logger, recorded, duplicates, ignored);
        return TypedResults.Ok(new WhatsAppWebhookAnswer(recorded, duplicates, ignored));
    }

    private static IResult BadPayload(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed webhook", detail: detail);

    private enum HandshakeRefusal
    {
        NoVerifyToken,
        NotSubscribe,
        WrongVerifyToken,
    }

    [LoggerMessage(EventId = 1500, EventName = "WA_WEBHOOK_VERIFIED", Level = LogLevel.Information,
        Message = "WhatsApp webhook subscription verified")]
    private static partial void HandshakeVerified(ILogger logger);

    [LoggerMessage(EventId = 1501, EventName = "WA_WEBHOOK_VERIFY_REFUSED", Level = LogLevel.Warning,
        Message = "Refused a WhatsApp subscription handshake: {Reason}")]
    private static partial void HandshakeRefused(ILogger logger, HandshakeRefusal reason);

    [LoggerMessage(EventId = 1502, EventName = "WA_WEBHOOK_SIGNATURE_INVALID", Level = LogLevel.Warning,
        Message = "Rejected a WhatsApp webhook: {Verification}")]
    private static partial void SignatureRejected(ILogger logger, WhatsAppSignatureVerification verification);

    [LoggerMessage(EventId = 1503, EventName = "WA_WEBHOOK_IGNORED", Level = LogLevel.Information,
        Message = "Ignored {Item} of a WhatsApp webhook")]
    private static partial void Ignored(ILogger logger, string item);

    [LoggerMessage(EventId = 1504, EventName = "WA_WEBHOOK_RECEIVED", Level = LogLevel.Information,
        Message = "WhatsApp webhook: {Recorded} events recorded, {Duplicates} seen before, {Ignored} ignored")]
    private static partial void Received(ILogger logger, int recorded, int duplicates, int ignored);

    [LoggerMessage(EventId = 1505, EventName = "WA_WEBHOOK_NOT_CONFIGURED", Level = LogLevel.Information,
        Message = "WHATSAPP_APP_SECRET is not set: every WhatsApp webhook will be refused")]
    private static partial void NotConfigured(ILogger logger);
}

/// <summary>What the WhatsApp webhook answers with its 200 (Meta reads only the status).</summary>
public sealed record WhatsAppWebhookAnswer(int Recorded, int Duplicates, int Ignored);
