using Microsoft.Extensions.Options;

namespace EasyMo.WebApi.Security;

/// <summary>Lets a request through only with <c>Authorization: Bearer {EASYMO_ADMIN_TOKEN}</c>, compared in constant time.</summary>
public sealed class AdminTokenFilter(IOptionsMonitor<AdminOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = options.CurrentValue.Token;
        string? header = context.HttpContext.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(expected) || header is null
            || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            || !new SecretToken(expected).Matches(header[7..].Trim()))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "A valid admin bearer token is required.");
        }

        return await next(context);
    }
}
