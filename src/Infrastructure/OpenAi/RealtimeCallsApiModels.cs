using System.Text.Json;
using System.Text.Json.Serialization;

namespace EasyMo.Infrastructure.OpenAi;

// The request bodies of OpenAI's Realtime calls API, as the OpenAPI document names them. Only GA fields:
// none of the beta session fields (top-level voice, modalities, input_audio_format, turn_detection, …).

/// <summary><c>RealtimeSessionCreateRequestGA</c>, the parts this service sends.</summary>
public sealed record RealtimeSessionCreateRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("instructions")] string Instructions,
    [property: JsonPropertyName("audio")] RealtimeAudioConfig Audio,
    [property: JsonPropertyName("tools"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<RealtimeFunctionTool>? Tools)
{
    [JsonPropertyName("type")]
    public string Type => "realtime";

    [JsonPropertyName("tool_choice"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ToolChoice => Tools is { Count: > 0 } ? "auto" : null;
}

/// <summary><c>RealtimeFunctionTool</c>.</summary>
public sealed record RealtimeFunctionTool(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("parameters")] JsonElement Parameters)
{
    [JsonPropertyName("type")]
    public string Type => "function";
}

public sealed record RealtimeAudioConfig(
    [property: JsonPropertyName("input"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RealtimeAudioInput? Input,
    [property: JsonPropertyName("output")] RealtimeAudioOutput Output);

public sealed record RealtimeAudioInput(
    [property: JsonPropertyName("transcription")] AudioTranscription Transcription);

public sealed record AudioTranscription(
    [property: JsonPropertyName("model")] string Model);

public sealed record RealtimeAudioOutput(
    [property: JsonPropertyName("voice")] string Voice);

/// <summary><c>RealtimeCallRejectRequest</c>.</summary>
public sealed record RealtimeCallRejectRequest(
    [property: JsonPropertyName("status_code")] int StatusCode);

/// <summary><c>RealtimeCallReferRequest</c>.</summary>
public sealed record RealtimeCallReferRequest(
    [property: JsonPropertyName("target_uri")] string TargetUri);

[JsonSerializable(typeof(RealtimeSessionCreateRequest))]
[JsonSerializable(typeof(RealtimeCallRejectRequest))]
[JsonSerializable(typeof(RealtimeCallReferRequest))]
internal sealed partial class RealtimeCallsJsonContext : JsonSerializerContext;
