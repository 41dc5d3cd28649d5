using NJsonSchema;

namespace EasyMo.IntegrationTests.Webhooks;

/// <summary>
/// The accept body the service really sends (as the fake OpenAI received it) against OpenAI's own
/// <c>RealtimeSessionCreateRequestGA</c> schema, made strict: a property outside the GA schema fails.
/// </summary>
public sealed class AcceptBodySchemaTests
{
    private static readonly Lazy<Task<JsonSchema>> Schema = new(() =>
        JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "RealtimeSessionCreateRequestGA.schema.json")));

    [Theory]
    [InlineData("+250788123456")]
    [InlineData("+33612345678")]
    [InlineData("+35699123456")]
    public async Task The_accept_body_validates_against_the_GA_session_schema(string caller)
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = Events.NewCallId();

        (await app.PostWebhookAsync(Events.CarrierCall(callId, caller))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var body = app.OpenAi.For("accept", callId).ShouldHaveSingleItem().Body;
        var errors = (await Schema.Value).Validate(body);
        errors.ShouldBeEmpty(string.Join("; ", errors.Select(error => $"{error.Path}: {error.Kind}")));
    }

    [Fact]
    public async Task The_original_systems_beta_body_fails_the_same_check()
    {
        const string original = """
            {"type":"realtime","model":"gpt-4o-realtime-preview-2024-12-17","voice":"alloy","instructions":"x",
             "modalities":["text","audio"],"input_audio_format":"pcm16","output_audio_format":"pcm16",
             "input_audio_transcription":{"model":"whisper-1"},
             "turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,"silence_duration_ms":500},
             "temperature":0.8,"max_response_output_tokens":4096}
            """;

        var errors = (await Schema.Value).Validate(original);

        errors.Select(error => error.Property).ShouldBe(
            ["voice", "modalities", "input_audio_format", "output_audio_format", "input_audio_transcription", "turn_detection", "temperature", "max_response_output_tokens"],
            ignoreOrder: true);
    }
}
