namespace EasyMo.Application.Features.Calls;

/// <summary>The voice agent's session settings sent with every accept (configuration section <c>OpenAI</c>).</summary>
public sealed class RealtimeAgentOptions
{
    public const string SectionName = "OpenAI";

    /// <summary>Realtime model named in every accept (<c>OPENAI_REALTIME_MODEL</c>).</summary>
    public string RealtimeModel { get; set; } = "gpt-realtime";

    /// <summary>Voice named in every accept (<c>OPENAI_REALTIME_VOICE</c>).</summary>
    public string RealtimeVoice { get; set; } = "alloy";

    /// <summary>Model that transcribes the caller's speech; empty turns input transcription off.</summary>
    public string TranscriptionModel { get; set; } = "gpt-4o-mini-transcribe";
}
