using Refit;

namespace EasyMo.Infrastructure.OpenAi;

/// <summary>
/// OpenAI's Realtime calls API (<c>POST {base}/realtime/calls/{call_id}/…</c>). Every operation answers 200 with no body
/// worth reading, so responses are taken as <see cref="IApiResponse"/> and only their status is used.
/// </summary>
[Headers("Accept: */*")]
public interface IOpenAiRealtimeCallsApi
{
    [Post("/realtime/calls/{callId}/accept")]
    Task<IApiResponse> AcceptAsync(string callId, [Body] RealtimeSessionCreateRequest body, CancellationToken cancellationToken);

    [Post("/realtime/calls/{callId}/reject")]
    Task<IApiResponse> RejectAsync(string callId, [Body] RealtimeCallRejectRequest body, CancellationToken cancellationToken);

    [Post("/realtime/calls/{callId}/refer")]
    Task<IApiResponse> ReferAsync(string callId, [Body] RealtimeCallReferRequest body, CancellationToken cancellationToken);

    [Post("/realtime/calls/{callId}/hangup")]
    Task<IApiResponse> HangupAsync(string callId, CancellationToken cancellationToken);
}
