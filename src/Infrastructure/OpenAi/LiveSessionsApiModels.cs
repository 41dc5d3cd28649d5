using System.Text.Json;
using System.Text.Json.Serialization;

namespace EasyMo.Infrastructure.OpenAi;

// The request bodies of GPT-Live's session control, as OpenAI's OpenAPI document names them. Every object there is
// closed (additionalProperties: false): nothing beyond these members is sent.

/// <summary><c>LiveCallAcceptRequest</c>.</summary>
public sealed record LiveCallAcceptRequest(
    [property: JsonPropertyName("session")] LiveCallAcceptSession Session);

/// <summary><c>LiveCallAcceptSession</c>: the voice's model, its spoken prompt, its voice, and who handles delegated tasks.</summary>
public sealed record LiveCallAcceptSession(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("instructions")] string Instructions,
    [property: JsonPropertyName("audio")] LiveAudio Audio,
    [property: JsonPropertyName("delegation")] LiveResponsesDelegation Delegation)
{
    [JsonPropertyName("type")]
    public string Type => "live";
}

/// <summary><c>audio</c>: only the output voice (SIP negotiates the format).</summary>
public sealed record LiveAudio(
    [property: JsonPropertyName("output")] LiveAudioOutput Output);

public sealed record LiveAudioOutput(
    [property: JsonPropertyName("voice")] string Voice);

/// <summary><c>delegation</c> of type <c>responses</c>: the backend model, its prompt (the business rules) and the tools.</summary>
public sealed record LiveResponsesDelegation(
    [property: JsonPropertyName("responses")] LiveResponsesBackend Responses)
{
    [JsonPropertyName("type")]
    public string Type => "responses";
}

public sealed record LiveResponsesBackend(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("instructions")] string Instructions,
    [property: JsonPropertyName("tools")] IReadOnlyList<LiveFunctionTool> Tools)
{
    /// <summary>One tool call at a time, as OpenAI's migration guide advises at first: a transfer and an end never race.</summary>
    [JsonPropertyName("parallel_tool_calls")]
    public bool ParallelToolCalls => false;
}

/// <summary>A Responses <c>function</c> tool.</summary>
public sealed record LiveFunctionTool(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("parameters")] JsonElement Parameters)
{
    [JsonPropertyName("type")]
    public string Type => "function";
}

/// <summary><c>LiveCallRejectRequest</c>: the status is required on GPT-Live (no default 603 as on Realtime).</summary>
public sealed record LiveCallRejectRequest(
    [property: JsonPropertyName("status_code")] int StatusCode);

/// <summary><c>LiveCallReferRequest</c>.</summary>
public sealed record LiveCallReferRequest(
    [property: JsonPropertyName("target_uri")] string TargetUri);

[JsonSerializable(typeof(LiveCallAcceptRequest))]
[JsonSerializable(typeof(LiveCallRejectRequest))]
[JsonSerializable(typeof(LiveCallReferRequest))]
internal sealed partial class LiveSessionsJsonContext : JsonSerializerContext;
