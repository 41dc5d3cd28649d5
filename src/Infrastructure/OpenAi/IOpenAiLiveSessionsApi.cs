using Refit;

namespace EasyMo.Infrastructure.OpenAi;

/// <summary>
/// GPT-Live's call control (<c>POST {base}/live/sessions/{session_id}/…</c>): accept, reject, refer and hang up a SIP
/// session. Every operation answers 200 with an empty body, so only the status is read.
/// </summary>
[Headers("Accept: */*")]
public interface IOpenAiLiveSessionsApi
{
    [Post("/live/sessions/{sessionId}/accept")]
    Task<IApiResponse> AcceptAsync(string sessionId, [Body] LiveCallAcceptRequest body, CancellationToken cancellationToken);

    [Post("/live/sessions/{sessionId}/reject")]
    Task<IApiResponse> RejectAsync(string sessionId, [Body] LiveCallRejectRequest body, CancellationToken cancellationToken);

    [Post("/live/sessions/{sessionId}/refer")]
    Task<IApiResponse> ReferAsync(string sessionId, [Body] LiveCallReferRequest body, CancellationToken cancellationToken);

    [Post("/live/sessions/{sessionId}/hangup")]
    Task<IApiResponse> HangupAsync(string sessionId, CancellationToken cancellationToken);
}
