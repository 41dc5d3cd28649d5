using System.Text.Json.Serialization;
using Refit;

namespace EasyMo.Infrastructure.OpenAi;

/// <summary>OpenAI's transcription endpoint (<c>POST {base}/audio/transcriptions</c>, multipart: <c>file</c> and <c>model</c>).</summary>
[Headers("Accept: application/json")]
public interface IOpenAiAudioApi
{
    [Multipart]
    [Post("/audio/transcriptions")]
    Task<IApiResponse<TranscriptionResponse>> TranscribeAsync(
        [AliasAs("file")] ByteArrayPart file, [AliasAs("model")] string model, CancellationToken cancellationToken);
}

/// <summary>The JSON answer of a transcription: its text.</summary>
public sealed record TranscriptionResponse([property: JsonPropertyName("text")] string? Text);

[JsonSerializable(typeof(TranscriptionResponse))]
internal sealed partial class AudioJsonContext : JsonSerializerContext;
