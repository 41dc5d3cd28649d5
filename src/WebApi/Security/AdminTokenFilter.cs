using System.Security.Cryptography;
using System.Text;
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
            || !TokensMatch(header.AsSpan(7).Trim(), expected))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "A valid admin bearer token is required.");
        }

        return await next(context);
    }

    /// <summary>Compares hashes, so that neither the content nor the length of the token leaks through timing.</summary>
    private static bool TokensMatch(ReadOnlySpan<char> presented, string expected)
    {
        Span<byte> presentedHash = stackalloc byte[32];
        Span<byte> expectedHash = stackalloc byte[32];
        var presentedBytes = new byte[Encoding.UTF8.GetMaxByteCount(presented.Length)];
        var length = Encoding.UTF8.GetBytes(presented, presentedBytes);
        SHA256.HashData(presentedBytes.AsSpan(0, length), presentedHash);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), expectedHash);
        return CryptographicOperations.FixedTimeEquals(presentedHash, expectedHash);
    }
}
