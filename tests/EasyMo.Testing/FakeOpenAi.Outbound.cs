using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EasyMo.Testing;

/// <summary>
/// GPT-Live's outbound calls (<c>POST /v1/live/sessions</c>, SIP transport), faked: each request is recorded as operation
/// <see cref="Create"/> under the destination number and answered by <see cref="FakeOpenAi.Responder"/>: 2xx creates a
/// session (201 with its <c>live_…</c> id), 403 says <c>outbound_sip_not_enabled</c>, 429 <c>rate_limit_exceeded</c>, and
/// <see cref="FakeOpenAi.Reset"/> drops the connection after reading the request. The session's sideband is the usual
/// attach socket, scripted by <see cref="FakeOpenAi.RealtimeScript"/> (<c>transport.ringing</c>, <c>transport.answered</c>, …).
/// </summary>
public sealed partial class FakeOpenAi
{
    /// <summary>The operation name of an outbound call's creation.</summary>
    public const string Create = "create";

    private readonly ConcurrentQueue<(string SessionId, string Destination)> _placed = new();

    /// <summary>The sessions created, in order, with the number each dials.</summary>
    public IReadOnlyList<(string SessionId, string Destination)> Placed => _placed.ToArray();

    private void MapOutbound(WebApplication app) => app.MapPost("/v1/live/sessions", CreateSessionAsync);

    private async Task CreateSessionAsync(HttpContext context)
    {
        var (body, _) = await RecordAsync(context, Create, string.Empty, Live);
        var destination = Destination(body);
        var attempt = Requests.Count(request => request.Operation == Create && Destination(request.Body) == destination);
        var status = await Responder(Create, destination, attempt);
        if (status < 0)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = status is >= 200 and < 300 ? StatusCodes.Status201Created : status;
        switch (status)
        {
            case >= 200 and < 300:
                var sessionId = "live_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
                _placed.Enqueue((sessionId, destination));
                await context.Response.WriteAsJsonAsync(new { session = new { id = sessionId }, transport = new { type = "sip" } });
                break;
            case StatusCodes.Status403Forbidden:
                await context.Response.WriteAsJsonAsync(new { error = new { message = "Outbound SIP calling is not enabled for this organization.", type = "invalid_request_error", param = (string?)null, code = "outbound_sip_not_enabled" } });
                break;
            case StatusCodes.Status429TooManyRequests:
                await context.Response.WriteAsJsonAsync(new { error = new { message = "Rate limit reached.", type = "requests", param = (string?)null, code = "rate_limit_exceeded" } });
                break;
        }
    }

    /// <summary>The number a recorded creation dials (empty when the body has none).</summary>
    public static string Destination(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("transport", out var transport) && transport.TryGetProperty("destination", out var destination)
                ? destination.GetString() ?? string.Empty
                : string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }
}
