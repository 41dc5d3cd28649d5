using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;

namespace EasyMo.Infrastructure.OpenAi;

/// <summary>The Realtime surface (<c>/v1/realtime/calls/{call_id}</c>) behind the application's port: statuses and failures become <see cref="RealtimeCallResult"/>.</summary>
internal sealed class RealtimeCallsClient(IOpenAiRealtimeCallsApi api) : ICallControl
{
    public VoiceRuntime Runtime => VoiceRuntime.Realtime;

    public Task<RealtimeCallResult> AcceptAsync(OpenAiCallId callId, AgentSession session, CancellationToken cancellationToken)
    {
        var body = new RealtimeSessionCreateRequest(
            session.Model,
            session.Instructions,
            new RealtimeAudioConfig(
                session.TranscriptionModel is { } model ? new RealtimeAudioInput(new AudioTranscription(model)) : null,
                new RealtimeAudioOutput(session.Voice)),
            session.Tools.Count == 0 ? null : session.Tools.Select(ToWire).ToArray());
        return CallControlResults.SendAsync(() => api.AcceptAsync(callId.Value, body, cancellationToken), cancellationToken);
    }

    private static RealtimeFunctionTool ToWire(Application.Features.Calls.AgentTool tool) =>
        new(tool.Name, tool.Description, ToolSchemas.Of(tool));

    public Task<RealtimeCallResult> RejectAsync(OpenAiCallId callId, int sipStatusCode, CancellationToken cancellationToken) =>
        CallControlResults.SendAsync(() => api.RejectAsync(callId.Value, new RealtimeCallRejectRequest(sipStatusCode), cancellationToken), cancellationToken);

    public Task<RealtimeCallResult> ReferAsync(OpenAiCallId callId, string targetUri, CancellationToken cancellationToken) =>
        CallControlResults.SendAsync(() => api.ReferAsync(callId.Value, new RealtimeCallReferRequest(targetUri), cancellationToken), cancellationToken);

    public Task<RealtimeCallResult> HangupAsync(OpenAiCallId callId, CancellationToken cancellationToken) =>
        CallControlResults.SendAsync(() => api.HangupAsync(callId.Value, cancellationToken), cancellationToken);
}
