using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Features.Privacy;

namespace EasyMo.WebApi.Security;

/// <summary>
/// The operators' API's door (contract §6): <c>401</c> without a known bearer token, <c>429</c> once a client address has
/// failed too often (<see cref="FailedAuthenticationLimiter"/>), <c>403</c> for a token whose roles lack the endpoint's
/// <see cref="RequiresRole"/> (an endpoint that declares none needs every role). A write that succeeds is recorded in
/// <c>privacy_audit</c> under the endpoint's <see cref="AuditedAs"/> action, with the token's role and id as the actor.
/// </summary>
public sealed class OperatorAccessFilter(OperatorTokens tokens, FailedAuthenticationLimiter limiter) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        string? header = http.Request.Headers.Authorization;
        var principal = header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? tokens.Authenticate(header[7..].Trim())
            : null;
        if (principal is null)
        {
            if (!limiter.TryFail(http.Connection.RemoteIpAddress))
            {
                http.Response.Headers.RetryAfter = ((int)FailedAuthenticationLimiter.Window.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed attempts",
                    detail: "Too many requests with a wrong token from this address; try again in a minute.");
            }

            http.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "A valid operator bearer token is required.");
        }

        http.Items[typeof(OperatorPrincipal)] = principal;
        var metadata = http.GetEndpoint()?.Metadata;
        var required = metadata?.GetMetadata<RequiresRole>()?.Role ?? OperatorRoles.Admin;
        if (!principal.May(required))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: $"This token's role ({OperatorPrincipal.Name(principal.Roles)}) may not do this: it needs {OperatorPrincipal.Name(required)}.");
        }

        var result = await next(context);
        if (metadata?.GetMetadata<AuditedAs>() is { } audited && Succeeded(result))
        {
            var store = http.RequestServices.GetRequiredService<IPrivacyStore>();
            var pseudonyms = http.RequestServices.GetRequiredService<Pseudonymizer>();
            var subject = http.Request.RouteValues.TryGetValue("phone", out var phone) && phone is string number && pseudonyms.IsConfigured
                && Domain.Common.PhoneNumber.TryParse(number, out var parsed)
                ? pseudonyms.For(parsed.Value)
                : null;
            await store.AuditAsync(audited.Action, principal.Actor, subject, new Dictionary<string, int>(), http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(), http.RequestAborted);
        }

        return result;
    }

    /// <summary>The principal the filter let through (null outside the operators' API).</summary>
    public static OperatorPrincipal? Principal(HttpContext context) =>
        context.Items.TryGetValue(typeof(OperatorPrincipal), out var principal) ? principal as OperatorPrincipal : null;

    private static bool Succeeded(object? result) => result switch
    {
        INestedHttpResult nested => Succeeded(nested.Result),
        IStatusCodeHttpResult { StatusCode: { } status } => status is >= 200 and < 300,
        _ => false,
    };
}

/// <summary>The audit action a successful write of the endpoint is recorded under (<c>profile_update</c>, …).</summary>
public sealed record AuditedAs(string Action);

/// <summary>Declaring what an endpoint needs, next to its route.</summary>
public static class OperatorAccess
{
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, OperatorRoles role)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequiresRole(role));

    public static TBuilder AuditAs<TBuilder>(this TBuilder builder, string action)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new AuditedAs(action));
}
