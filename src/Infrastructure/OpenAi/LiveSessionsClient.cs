using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;

namespace EasyMo.Infrastructure.OpenAi;

/// <summary>The GPT-Live surface (<c>/v1/live/sessions/{session_id}</c>) behind the application's port.</summary>
internal sealed class LiveSessionsClient(IOpenAiLiveSessionsApi api) : ICallControl
{
    public VoiceRuntime Runtime => VoiceRuntime.Live;

    public Task<RealtimeCallResult> AcceptAsync(OpenAiCallId callId, AgentSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var body = new LiveCallAcceptRequest(new LiveCallAcceptSession(
            session.Model, session.Instructions, new LiveAudio(new LiveAudioOutput(session.Voice)), Delegation(session)));
        return CallControlResults.SendAsync(() => api.AcceptAsync(callId.Value, body, cancellationToken), cancellationToken);
    }

    /// <summary>The Responses backend a GPT-Live session delegates to (an accept's and an outbound call's alike): the business rules and the tools.</summary>
    internal static LiveResponsesDelegation Delegation(AgentSession session) =>
        new(new LiveResponsesBackend(
            session.BackendModel ?? throw new ArgumentException("A GPT-Live session needs its backend model.", nameof(session)),
            session.BackendInstructions ?? string.Empty,
            [.. session.Tools.Select(tool => new LiveFunctionTool(tool.Name, tool.Description, ToolSchemas.Of(tool)))]));

    public Task<RealtimeCallResult> RejectAsync(OpenAiCallId callId, int sipStatusCode, CancellationToken cancellationToken) =>
        CallControlResults.SendAsync(() => api.RejectAsync(callId.Value, new LiveCallRejectRequest(sipStatusCode), cancellationToken), cancellationToken);

    public Task<RealtimeCallResult> ReferAsync(OpenAiCallId callId, string targetUri, CancellationToken cancellationToken) =>
        CallControlResults.SendAsync(() => api.ReferAsync(callId.Value, new LiveCallReferRequest(targetUri), cancellationToken), cancellationToken);

    public Task<RealtimeCallResult> HangupAsync(OpenAiCallId callId, CancellationToken cancellationToken) =>
        CallControlResults.SendAsync(() => api.HangupAsync(callId.Value, cancellationToken), cancellationToken);
}
