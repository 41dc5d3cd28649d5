using Refit;

namespace EasyMo.Infrastructure.OpenAi;

/// <summary>GPT-Live's outbound calls: <c>POST {base}/live/sessions</c> with a SIP transport places a call.</summary>
[Headers("Accept: application/json")]
public interface IOpenAiLiveOutboundApi
{
    [Post("/live/sessions")]
    Task<IApiResponse<LiveSessionCreateResponse>> CreateAsync([Body] LiveSessionCreateRequest body, CancellationToken cancellationToken);
}
