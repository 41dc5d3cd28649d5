using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;

namespace EasyMo.Application.Features.Calls;

/// <summary>
/// The session a call is answered (or a call back placed) with, for its runtime. Realtime: one model gets the whole
/// prompt and the tools. GPT-Live: the short spoken prompt goes to the voice, the business rules (the same prompt) and the
/// tools to the Responses backend.
/// </summary>
public static class AgentSessions
{
    public static AgentSession For(
        VoiceRuntime runtime, Language language, string? callerName, string? lastSummary, RealtimeAgentOptions agent, string? situation = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var instructions = AgentInstructions.Build(language, callerName, lastSummary);
        return runtime == VoiceRuntime.Live
            ? new AgentSession(
                agent.LiveModel,
                AgentInstructions.BuildLiveFrontend(language, callerName, situation),
                agent.LiveVoice,
                TranscriptionModel: null, // GPT-Live always transcribes, as deltas on the sideband
                AgentTools.All,
                agent.LiveBackendModel,
                instructions)
            : new AgentSession(
                agent.RealtimeModel,
                instructions,
                agent.RealtimeVoice,
                // No transcription language: callers switch languages, and Kinyarwanda is not one the models take as a hint.
                string.IsNullOrWhiteSpace(agent.TranscriptionModel) ? null : agent.TranscriptionModel,
                AgentTools.All);
    }
}
