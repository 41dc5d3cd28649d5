using System.Diagnostics;
using System.Text.Json;
using EasyMo.Application.Common.Metrics;
using EasyMo.Application.Features.Calls;
using EasyMo.Application.Features.Calls.AcceptIncomingCall;
using EasyMo.Application.Features.Calls.AcknowledgeOtherRuntime;
using EasyMo.Application.Features.Calls.RecordCallEnded;
using EasyMo.Application.Features.Calls.Sip;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Infrastructure.OpenAi;
using EasyMo.WebApi.Webhooks;
using Mediator;
using Microsoft.Extensions.Options;
using Serilog.Context;

namespace EasyMo.WebApi.Endpoints;

/// <summary>
/// <c>POST /openai-sip-webhook</c>: OpenAI's signed events. In order: size (413), signature over the raw bytes (401),
/// shape (400), then one mediator command per event; the call is decided before the answer goes back.
/// </summary>
public static partial class OpenAiWebhookEndpoints
{
    public const string Path = "/openai-sip-webhook";
    public const int MaxBodyBytes = 256 * 1024;
    public const string CallIncoming = "realtime.call.incoming";

    /// <summary>GPT-Live's incoming SIP call.</summary>
    public const string LiveTransportIncoming = "live.transport.incoming";

    /// <summary>GPT-Live's former name of it: deprecated, still delivered to old subscriptions while they drain.</summary>
    public const string LiveCallIncoming = "live.call.incoming";

    /// <summary>The answer's outcome for an event that decides nothing (contract §2: the other runtime's calls, any other event).</summary>
    public const string Ignored = "ignored";
    public const string CallEnded = "realtime.call.ended";

    public static IEndpointRouteBuilder MapOpenAiWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, ReceiveAsync).WithName("OpenAiWebhook");
        app.MapGet(Path + "/health", (TimeProvider time) => TypedResults.Ok(new WebhookHealth("healthy", "openai-sip-webhook", time.GetUtcNow())));
        return app;
    }

    private static async Task<IResult> ReceiveAsync(
        HttpContext context,
        StandardWebhookVerifier verifier,
        ISender sender,
        EasyMoMetrics metrics,
        IOptions<RealtimeAgentOptions> agent,
        ILoggerFactory loggerFactory)
    {
        var received = Stopwatch.GetTimestamp();
        var logger = loggerFactory.CreateLogger(typeof(OpenAiWebhookEndpoints));
        var request = context.Request;
        var body = await RawBody.ReadAsync(request, MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large",
                detail: $"Webhook bodies are at most {MaxBodyBytes / 1024} KiB.");
        }

        string? webhookId = request.Headers["webhook-id"];
        var verification = verifier.Verify(webhookId, request.Headers["webhook-timestamp"], request.Headers["webhook-signature"], body);
        if (verification != WebhookVerification.Valid)
        {
            metrics.OpenAiSignatureFailed();
            SignatureRejected(logger, verification);
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid webhook signature",
                detail: verification switch
                {
                    WebhookVerification.MissingHeader => "The webhook-id, webhook-timestamp and webhook-signature headers are required.",
                    WebhookVerification.InvalidTimestamp => "webhook-timestamp is not an integer.",
                    WebhookVerification.TimestampOutOfRange => "webhook-timestamp is more than 300 seconds away from the server's clock.",
                    _ => "No signature in webhook-signature matches the body.",
                });
        }

        OpenAiWebhookEvent? webhookEvent;
        try
        {
            webhookEvent = JsonSerializer.Deserialize(body, OpenAiWebhookJsonContext.Default.OpenAiWebhookEvent);
        }
        catch (JsonException)
        {
            return BadEvent("The body is not a JSON object.");
        }

        if (webhookEvent?.Type is not { Length: > 0 } type)
        {
            return BadEvent("The body is not an OpenAI event: 'type' is missing.");
        }

        using var webhookScope = LogContext.PushProperty("WebhookId", webhookId);
        switch (type)
        {
            case CallIncoming or LiveTransportIncoming or LiveCallIncoming:
                var runtime = type == CallIncoming ? VoiceRuntime.Realtime : VoiceRuntime.Live;
                var idName = runtime == VoiceRuntime.Live ? "data.session_id" : "data.call_id";
                if (type == LiveTransportIncoming && webhookEvent.Data?.TransportType is { } transport && transport != "sip")
                {
                    // Not a phone call (a transport this service does not take): nothing to decide.
                    EventIgnored(logger, $"{type} ({UntrustedText.OneLine(transport, 32)})");
                    return TypedResults.Ok(new WebhookAnswer(type, null, Ignored, null));
                }

                if ((runtime == VoiceRuntime.Live ? webhookEvent.Data?.SessionId : webhookEvent.Data?.CallId) is not { Length: > 0 } rawCallId)
                {
                    return BadEvent($"{type} without {idName}.");
                }

                if (!OpenAiCallId.TryParse(rawCallId, out var callId))
                {
                    return MalformedCallIdProblem();
                }

                if (webhookEvent.Data!.SipHeaders is not { } rawHeaders || rawHeaders.Any(h => h?.Name is null || h.Value is null))
                {
                    return BadEvent($"{type} without data.sip_headers as a list of {{name, value}}.");
                }

                using (LogContext.PushProperty("CallId", callId))
                {
                    if (runtime != agent.Value.VoiceRuntime)
                    {
                        // The same call may announce itself on both runtimes; only the configured one answers (docs/adr/0006).
                        if (await sender.Send(new AcknowledgeOtherRuntimeCommand(webhookId!, type, callId), CancellationToken.None))
                        {
                            metrics.OtherRuntimeEvent(type);
                            OtherRuntime(logger, type, agent.Value.VoiceRuntime);
                        }

                        return TypedResults.Ok(new WebhookAnswer(type, callId.Value, Ignored, null));
                    }

                    metrics.CallIncoming();
                    var headers = rawHeaders.Select(h => new SipHeader(h!.Name!, h.Value!)).ToArray();

                    // Not the request's token: once claimed, a decision is carried out and stored even if OpenAI stops waiting.
                    var decision = await sender.Send(new AcceptIncomingCallCommand(webhookId!, callId, headers, runtime), CancellationToken.None);
                    metrics.CallDecided(decision.Outcome, received);
                    return TypedResults.Ok(new WebhookAnswer(type, callId.Value, StateNames.Of(decision.Outcome), decision.SipStatusCode));
                }

            case CallEnded when webhookEvent.Data?.CallId is { Length: > 0 } rawEndedCallId:
                if (!OpenAiCallId.TryParse(rawEndedCallId, out var endedCallId))
                {
                    return MalformedCallIdProblem();
                }

                var ended = await sender.Send(new RecordCallEndedCommand(endedCallId, CallEndReason.RemoteEnded), CancellationToken.None);
                return TypedResults.Ok(new WebhookAnswer(type, endedCallId.Value, StateNames.Of(ended), null));

            default:
                EventIgnored(logger, type);
                return TypedResults.Ok(new WebhookAnswer(type, webhookEvent.Data?.CallId, Ignored, null));
        }
    }

    /// <summary>A call id that names no call: the validation problem the command's rules answered with before the id had a type.</summary>
    private static IResult MalformedCallIdProblem() =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { ["CallId"] = ["'Call Id' must be 1–256 letters, digits, '_', '-', '.' and ':' (OpenAI's ids are rtc_…)."] },
            title: "Invalid request");

    private static IResult BadEvent(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed webhook event", detail: detail);

    [LoggerMessage(EventId = 1100, EventName = "OPENAI_SIP_WEBHOOK_SIGNATURE_INVALID", Level = LogLevel.Warning,
        Message = "Rejected an OpenAI webhook: {Verification}")]
    private static partial void SignatureRejected(ILogger logger, WebhookVerification verification);

    [LoggerMessage(EventId = 1102, EventName = "OPENAI_SIP_WEBHOOK_OTHER_RUNTIME", Level = LogLevel.Information,
        Message = "Acknowledged {EventType}: calls are answered on the {Runtime} runtime (OPENAI_VOICE_RUNTIME)")]
    private static partial void OtherRuntime(ILogger logger, string eventType, VoiceRuntime runtime);

    [LoggerMessage(EventId = 1101, EventName = "OPENAI_SIP_WEBHOOK_IGNORED", Level = LogLevel.Information,
        Message = "Ignored OpenAI event {EventType}")]
    private static partial void EventIgnored(ILogger logger, string eventType);
}

/// <summary>What the webhook answers with its 200: the event, the call, and what was done.</summary>
public sealed record WebhookAnswer(string Event, string? CallId, string Outcome, int? SipStatus);

public sealed record WebhookHealth(string Status, string Service, DateTimeOffset Timestamp);
