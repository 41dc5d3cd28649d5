using System.Text.Json.Serialization;

namespace EasyMo.Infrastructure.OpenAi;

// GPT-Live's outbound SIP call (POST /v1/live/sessions), as OpenAI's OpenAPI document names its bodies. Every object
// there is closed (additionalProperties: false): nothing beyond these members is sent.

/// <summary><c>LiveSessionCreateRequest</c>: the session to start and the SIP transport that dials the number.</summary>
public sealed record LiveSessionCreateRequest(
    [property: JsonPropertyName("session")] LiveSessionCreateSession Session,
    [property: JsonPropertyName("transport")] LiveSipTransport Transport);

/// <summary>
/// <c>LiveMediaSessionCreateParams</c>: like an accept's session, but with no <c>type</c> member (the schema has none and
/// refuses unknown ones), and no audio format (SIP negotiates it).
/// </summary>
public sealed record LiveSessionCreateSession(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("instructions")] string Instructions,
    [property: JsonPropertyName("audio")] LiveAudio Audio,
    [property: JsonPropertyName("delegation")] LiveResponsesDelegation Delegation);

/// <summary><c>LiveSIPTransport</c>: the E.164 number to call, through the carrier's trunk.</summary>
public sealed record LiveSipTransport(
    [property: JsonPropertyName("destination")] string Destination,
    [property: JsonPropertyName("trunk")] LiveSipTrunk Trunk)
{
    [JsonPropertyName("type")]
    public string Type => "sip";
}

/// <summary><c>LiveSIPTrunk</c>: where OpenAI sends the INVITE (TLS), how it authenticates, and the number shown.</summary>
public sealed record LiveSipTrunk(
    [property: JsonPropertyName("provider_url")] string ProviderUrl,
    [property: JsonPropertyName("auth")] LiveSipTrunkAuth Auth,
    [property: JsonPropertyName("caller_number")] string CallerNumber);

/// <summary><c>LiveSIPTrunkAuth</c> (digest). Its text form hides the credentials: a log of the request cannot leak them.</summary>
public sealed record LiveSipTrunkAuth(
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("password")] string Password)
{
    [JsonPropertyName("type")]
    public string Type => "digest";

    public override string ToString() => "LiveSipTrunkAuth { Type = digest, Username = ***, Password = *** }";
}

/// <summary><c>LiveSessionCreateResponse</c>: only the session's id is read (the call may not be answered yet).</summary>
public sealed record LiveSessionCreateResponse(
    [property: JsonPropertyName("session")] LiveSessionCreated? Session);

public sealed record LiveSessionCreated(
    [property: JsonPropertyName("id")] string? Id);

[JsonSerializable(typeof(LiveSessionCreateRequest))]
[JsonSerializable(typeof(LiveSessionCreateResponse))]
internal sealed partial class LiveOutboundJsonContext : JsonSerializerContext;
