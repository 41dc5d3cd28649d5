using EasyMo.Domain.Calls;

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

    /// <summary>
    /// The runtime that answers (<c>OPENAI_VOICE_RUNTIME</c>: <c>realtime</c>, the default, or <c>live</c>). The other
    /// runtime's incoming-call events are acknowledged, logged and counted, never decided.
    /// </summary>
    public VoiceRuntime VoiceRuntime { get; set; } = VoiceRuntime.Realtime;

    /// <summary>GPT-Live model named in every Live accept (<c>OPENAI_LIVE_MODEL</c>).</summary>
    public string LiveModel { get; set; } = "gpt-live-1";

    /// <summary>GPT-Live voice (<c>OPENAI_LIVE_VOICE</c>; fixed for the whole call).</summary>
    public string LiveVoice { get; set; } = "marin";

    /// <summary>
    /// The Responses model GPT-Live delegates to (<c>OPENAI_LIVE_BACKEND_MODEL</c>): it holds the business rules and runs
    /// the agent's tools, while GPT-Live speaks.
    /// </summary>
    public string LiveBackendModel { get; set; } = "gpt-5.6-luna";
}
