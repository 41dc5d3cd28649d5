using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EasyMo.Infrastructure.OpenAi;

/// <summary>What every HTTP client of OpenAI's REST API shares: base URL, bearer key, project and organization headers.</summary>
internal static class OpenAiHttpClient
{
    public static void Configure(IServiceProvider provider, HttpClient client)
    {
        var options = provider.GetRequiredService<IOptions<OpenAiOptions>>().Value;
        client.BaseAddress = options.BaseUrl;
        client.Timeout = Timeout.InfiniteTimeSpan; // each client's resilience pipeline owns every timeout
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        if (!string.IsNullOrWhiteSpace(options.ProjectId))
        {
            client.DefaultRequestHeaders.Add("OpenAI-Project", options.ProjectId);
        }

        if (!string.IsNullOrWhiteSpace(options.OrganizationId))
        {
            client.DefaultRequestHeaders.Add("OpenAI-Organization", options.OrganizationId);
        }
    }
}
