using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using EasyMo.Infrastructure.OpenAi;

namespace EasyMo.Operator.Simulation;

/// <summary>
/// OpenAI's webhook deliveries as the service receives them: the body of an incoming call and the Standard Webhooks
/// request around it. The one builder of them: <c>simulate-call</c>, the tests, the sandbox and the benchmark use it.
/// </summary>
public static class OpenAiWebhook
{
    /// <summary>The service's route for OpenAI's webhooks.</summary>
    public const string Path = "/openai-sip-webhook";

    /// <summary>The event of an incoming call on OpenAI's Realtime runtime.</summary>
    public const string CallIncomingType = "realtime.call.incoming";

    /// <summary>The event of an incoming SIP call on GPT-Live.</summary>
    public const string LiveTransportIncomingType = "live.transport.incoming";

    /// <summary>GPT-Live's deprecated name of it, still delivered to old subscriptions.</summary>
    public const string LiveCallIncomingType = "live.call.incoming";

    /// <summary>
    /// The body of a <c>realtime.call.incoming</c>, shaped as OpenAI sends it: compact JSON, <c>sip_headers</c> an ordered
    /// list of <c>{name, value}</c> (names may repeat), exactly <paramref name="sipHeaders"/> and nothing added.
    /// </summary>
    public static byte[] CallIncoming(string callId, IEnumerable<(string Name, string Value)> sipHeaders, DateTimeOffset createdAt, string? eventId = null) =>
        Event(CallIncomingType, createdAt, eventId, json => json.WriteString("call_id", callId), sipHeaders);

    /// <summary>
    /// The body of GPT-Live's <c>live.transport.incoming</c> (<c>data.type</c> <paramref name="transportType"/>, normally
    /// <c>sip</c>, and the <c>live_…</c> <c>session_id</c>), or of the deprecated <c>live.call.incoming</c> (no
    /// <c>data.type</c>) when <paramref name="deprecated"/>.
    /// </summary>
    public static byte[] LiveIncoming(
        string sessionId, IEnumerable<(string Name, string Value)> sipHeaders, DateTimeOffset createdAt, string? eventId = null, bool deprecated = false, string transportType = "sip") =>
        Event(deprecated ? LiveCallIncomingType : LiveTransportIncomingType, createdAt, eventId, json =>
        {
            if (!deprecated)
            {
                json.WriteString("type", transportType);
            }

            json.WriteString("session_id", sessionId);
            json.WriteString("sip_media_security", "srtp");
        }, sipHeaders);

    private static byte[] Event(string type, DateTimeOffset createdAt, string? eventId, Action<Utf8JsonWriter> ids, IEnumerable<(string Name, string Value)> sipHeaders)
    {
        ArgumentNullException.ThrowIfNull(sipHeaders);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("object", "event");
            json.WriteString("id", eventId ?? "evt_" + Guid.NewGuid().ToString("N"));
            json.WriteString("type", type);
            json.WriteNumber("created_at", createdAt.ToUnixTimeSeconds());
            json.WriteStartObject("data");
            ids(json);
            json.WriteStartArray("sip_headers");
            foreach (var (name, value) in sipHeaders)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("value", value);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// A POST of <paramref name="body"/> to <paramref name="url"/> (default: <see cref="Path"/>, relative), signed as OpenAI
    /// signs: <c>webhook-id</c>, <c>webhook-timestamp</c> and <c>webhook-signature</c> over the exact bytes.
    /// </summary>
    public static HttpRequestMessage SignedRequest(byte[] body, StandardWebhookVerifier signer, string webhookId, long timestamp, Uri? url = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(signer);
        var request = new HttpRequestMessage(HttpMethod.Post, url ?? new Uri(Path, UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("webhook-id", webhookId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", signer.Sign(webhookId, timestamp, body));
        return request;
    }
}
