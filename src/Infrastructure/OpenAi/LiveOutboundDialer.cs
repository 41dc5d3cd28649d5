using System.Net;
using System.Text.Json;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Features.Callbacks;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using Refit;

namespace EasyMo.Infrastructure.OpenAi;

/// <summary>
/// Places calls back through GPT-Live (<c>POST /v1/live/sessions</c>, SIP transport, the configured trunk). "Each creation
/// request places a new call": the request is retried only when the connection was never made, and an answer that cannot
/// be read (a timeout, a reset, a 5xx) is in doubt, never a failure to retry.
/// </summary>
internal sealed class LiveOutboundDialer(IOpenAiLiveOutboundApi api, IOptions<CallbackOptions> options) : ICallDialer
{
    /// <summary>OpenAI's error code when the organization may not place SIP calls.</summary>
    public const string OutboundNotEnabled = "outbound_sip_not_enabled";

    public async Task<DialResult> DialAsync(PhoneNumber destination, AgentSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(session);
        var settings = options.Value;
        var body = new LiveSessionCreateRequest(
            new LiveSessionCreateSession(
                session.Model, session.Instructions, new LiveAudio(new LiveAudioOutput(session.Voice)), LiveSessionsClient.Delegation(session)),
            new LiveSipTransport(
                destination.Value,
                new LiveSipTrunk(settings.TrunkUrl!, new LiveSipTrunkAuth(settings.TrunkUsername!, settings.TrunkPassword!), settings.CallerNumber!)));
        try
        {
            using var response = await api.CreateAsync(body, cancellationToken);
            if (!response.IsReceived || response.StatusCode is not { } statusCode)
            {
                return Unanswered(response.Error?.InnerException ?? response.Error);
            }

            var status = (int)statusCode;
            if (response.IsSuccessStatusCode)
            {
                return OpenAiCallId.TryParse(response.Content?.Session?.Id, out var sessionId)
                    ? new DialResult(DialOutcome.Placed, sessionId, status)
                    : new DialResult(DialOutcome.InDoubt, HttpStatus: status, Error: "no session id in the answer");
            }

            var code = ErrorCode(response.Error as ApiException);
            return statusCode switch
            {
                HttpStatusCode.Forbidden when code == OutboundNotEnabled => new DialResult(DialOutcome.OutboundDisabled, HttpStatus: status, Error: OutboundNotEnabled),
                HttpStatusCode.TooManyRequests => new DialResult(DialOutcome.TryLater, HttpStatus: status, Error: code ?? "rate limited"),
                _ when status >= 500 => new DialResult(DialOutcome.InDoubt, HttpStatus: status, Error: code ?? $"HTTP {status}"),
                _ => new DialResult(DialOutcome.Refused, HttpStatus: status, Error: code ?? $"HTTP {status}"),
            };
        }
        catch (Exception exception) when (exception is TimeoutRejectedException or HttpRequestException or ApiException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return Unanswered(exception);
        }
    }

    /// <summary>OpenAI's <c>error.code</c>, when the body has one (a short token; the message is never kept).</summary>
    private static string? ErrorCode(ApiException? error)
    {
        if (error?.Content is not { Length: > 0 and < 65_536 } content)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var detail) && detail.ValueKind == JsonValueKind.Object
                && detail.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                ? UntrustedText.Token(code.GetString(), 64)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>No answer to read: certainly no call when the connection was never made, otherwise in doubt.</summary>
    private static DialResult Unanswered(Exception? exception) => exception switch
    {
        HttpRequestException http when OpenAiHttpClient.NeverSent(http) => new(DialOutcome.TryLater, Error: $"connection error ({http.HttpRequestError})"),
        TimeoutRejectedException or OperationCanceledException => new(DialOutcome.InDoubt, Error: "timed out"),
        HttpRequestException http => new(DialOutcome.InDoubt, Error: $"connection error ({http.HttpRequestError})"),
        ApiException api => new(DialOutcome.InDoubt, HttpStatus: (int)api.StatusCode, Error: $"HTTP {(int)api.StatusCode}"),
        _ => new(DialOutcome.InDoubt, Error: exception?.GetType().Name ?? "unknown error"),
    };
}
