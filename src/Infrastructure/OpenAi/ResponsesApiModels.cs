using System.Text.Json;
using System.Text.Json.Serialization;

namespace EasyMo.Infrastructure.OpenAi;

// The parts of OpenAI's Responses API this service uses, as the OpenAPI document names them.

/// <summary><c>CreateResponse</c>: instructions and a text input, not stored at OpenAI (transcripts are the caller's words).</summary>
public sealed record CreateResponseRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("instructions")] string Instructions,
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("max_output_tokens")] int MaxOutputTokens)
{
    [JsonPropertyName("store")]
    public bool Store => false;

    /// <summary>The output's format (<c>ResponseTextParam</c>); null: plain text, OpenAI's default.</summary>
    [JsonPropertyName("text")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ResponseTextParam? Text { get; init; }
}

/// <summary><c>ResponseTextParam</c>: only its <c>format</c> is set.</summary>
public sealed record ResponseTextParam([property: JsonPropertyName("format")] TextResponseFormatJsonSchema Format);

/// <summary><c>TextResponseFormatJsonSchema</c>: structured output that follows <see cref="Schema"/>, strictly when <see cref="Strict"/>.</summary>
public sealed record TextResponseFormatJsonSchema(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("schema")] JsonElement Schema,
    [property: JsonPropertyName("strict")] bool Strict)
{
    [JsonPropertyName("type")]
    public string Type => "json_schema";
}

/// <summary><c>Response</c>: its text is in the <c>output_text</c> parts of its <c>message</c> output items.</summary>
public sealed record ResponseObject(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("output")] IReadOnlyList<ResponseOutputItem>? Output)
{
    /// <summary>The model's refusal, when one of its <c>message</c> items carries a <c>refusal</c> part; null otherwise.</summary>
    public string? Refusal() => (Output ?? [])
        .Where(item => item.Type == "message")
        .SelectMany(item => item.Content ?? [])
        .Where(part => part.Type == "refusal")
        .Select(part => part.Refusal ?? string.Empty)
        .FirstOrDefault();

    /// <summary>The output text, the <c>output_text</c> parts of all <c>message</c> items joined (what the SDKs call <c>output_text</c>).</summary>
    public string OutputText() => string.Concat(
        (Output ?? [])
            .Where(item => item.Type == "message")
            .SelectMany(item => item.Content ?? [])
            .Where(part => part.Type == "output_text")
            .Select(part => part.Text));
}

/// <summary><c>OutputItem</c>: only <c>OutputMessage</c> (<c>type: message</c>) is read.</summary>
public sealed record ResponseOutputItem(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("role")] string? Role,
    [property: JsonPropertyName("content")] IReadOnlyList<ResponseOutputContent>? Content);

/// <summary><c>OutputMessageContent</c>: <c>output_text</c> or <c>refusal</c>.</summary>
public sealed record ResponseOutputContent(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("refusal")] string? Refusal = null);

[JsonSerializable(typeof(CreateResponseRequest))]
[JsonSerializable(typeof(ResponseObject))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class ResponsesJsonContext : JsonSerializerContext;
