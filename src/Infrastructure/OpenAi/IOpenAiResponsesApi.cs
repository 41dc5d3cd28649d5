using Refit;

namespace EasyMo.Infrastructure.OpenAi;

/// <summary>OpenAI's Responses API (<c>POST {base}/responses</c>), used for post-call summaries.</summary>
[Headers("Accept: application/json")]
public interface IOpenAiResponsesApi
{
    [Post("/responses")]
    Task<IApiResponse<ResponseObject>> CreateAsync([Body] CreateResponseRequest body, CancellationToken cancellationToken);
}
