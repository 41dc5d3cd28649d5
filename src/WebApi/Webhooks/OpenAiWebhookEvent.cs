using System.Text.Json.Serialization;

namespace EasyMo.WebApi.Webhooks;

/// <summary>
/// The envelope of an OpenAI webhook event, read leniently: unknown members are ignored and every member is optional
/// here, so that a missing one becomes a clear 400 rather than a serializer exception.
/// </summary>
public sealed record OpenAiWebhookEvent(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("created_at")] long? CreatedAt,
    [property: JsonPropertyName("data")] OpenAiWebhookEventData? Data);

/// <summary>
/// <c>data</c> of <c>realtime.call.incoming</c> (<c>call_id</c>), of GPT-Live's <c>live.transport.incoming</c> and the
/// deprecated <c>live.call.incoming</c> (<c>session_id</c>; <c>type</c> <c>sip</c> on the first), and of a
/// <c>realtime.call.ended</c>, should one ever come.
/// </summary>
public sealed record OpenAiWebhookEventData(
    [property: JsonPropertyName("call_id")] string? CallId,
    [property: JsonPropertyName("session_id")] string? SessionId,
    [property: JsonPropertyName("type")] string? TransportType,
    [property: JsonPropertyName("sip_headers")] List<OpenAiSipHeader?>? SipHeaders);

public sealed record OpenAiSipHeader(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("value")] string? Value);

[JsonSerializable(typeof(OpenAiWebhookEvent))]
[JsonSourceGenerationOptions(AllowTrailingCommas = false, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
internal sealed partial class OpenAiWebhookJsonContext : JsonSerializerContext;
