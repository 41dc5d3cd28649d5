using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EasyMo.Testing;

/// <summary>OpenAI's transcription endpoint (<c>POST /v1/audio/transcriptions</c>), recorded as operation <c>transcriptions</c>.</summary>
public sealed partial class FakeOpenAi
{
    private readonly ConcurrentQueue<TranscriptionRequest> _transcriptions = new();

    /// <summary>The text of a 200 answer to a transcription. Default: "I need a moto to Kimironko.".</summary>
    public string TranscriptionText { get; set; } = "I need a moto to Kimironko.";

    /// <summary>The multipart requests received, as parsed (whatever the answer was).</summary>
    public IReadOnlyList<TranscriptionRequest> Transcriptions => _transcriptions.ToArray();

    private void MapAudio(WebApplication app) => app.MapPost("/v1/audio/transcriptions", HandleTranscriptionAsync);

    private async Task HandleTranscriptionAsync(HttpContext context)
    {
        var attempt = _attempts.AddOrUpdate(("transcriptions", string.Empty), 1, (_, n) => n + 1);
        TranscriptionRequest request;
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync();
            var file = form.Files.GetFile("file");
            byte[] bytes = [];
            if (file is not null)
            {
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer);
                bytes = buffer.ToArray();
            }

            request = new TranscriptionRequest(
                context.Request.Headers.Authorization.ToString(), context.Request.ContentType, form["model"].ToString(), file?.FileName, file?.ContentType, bytes, attempt);
        }
        else
        {
            request = new TranscriptionRequest(context.Request.Headers.Authorization.ToString(), context.Request.ContentType, string.Empty, null, null, [], attempt);
        }

        _transcriptions.Enqueue(request);
        _requests.Enqueue(new RecordedRequest(
            "transcriptions", string.Empty, request.Authorization, context.Request.Headers["OpenAI-Project"].ToString(),
            context.Request.Headers["OpenAI-Organization"].ToString(), request.ContentType, $"model={request.Model}", attempt));
        context.Response.StatusCode = await Responder("transcriptions", string.Empty, attempt);
        if (context.Response.StatusCode == 200)
        {
            await context.Response.WriteAsJsonAsync(new { text = TranscriptionText });
        }
    }
}

public sealed record TranscriptionRequest(
    string Authorization, string? ContentType, string Model, string? FileName, string? FileContentType, byte[] File, int Attempt);
