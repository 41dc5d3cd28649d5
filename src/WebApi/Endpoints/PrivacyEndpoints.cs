using EasyMo.Application.Features.Privacy;
using EasyMo.Application.Features.Privacy.EraseCaller;
using EasyMo.Application.Features.Privacy.ExportCaller;
using EasyMo.Domain.Common;
using EasyMo.WebApi.Security;
using Mediator;

namespace EasyMo.WebApi.Endpoints;

/// <summary>
/// A person's requests about their data (docs/privacy.md), under <c>/api</c> behind the admin bearer token:
/// <c>GET /api/profiles/{phone}/export</c> returns everything held about them, <c>DELETE /api/profiles/{phone}</c>
/// erases it (204, every time: erasing someone never known, or already erased, is done too). Both are audited in
/// <c>privacy_audit</c> under the number's pseudonym, with the token's role and id as the actor. Only the <c>privacy</c> role.
/// </summary>
public static class PrivacyEndpoints
{
    public static IEndpointRouteBuilder MapPrivacyApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/profiles").AddEndpointFilter<OperatorAccessFilter>();
        api.MapGet("/{phone}/export", ExportAsync).WithName("ExportProfile").RequireRole(OperatorRoles.Privacy);
        api.MapDelete("/{phone}", EraseAsync).WithName("EraseProfile").RequireRole(OperatorRoles.Privacy);
        return app;
    }

    private static async Task<IResult> ExportAsync(string phone, HttpContext context, ISender sender, Pseudonymizer pseudonyms, CancellationToken cancellationToken)
    {
        if (Problem(phone, pseudonyms) is { } problem)
        {
            return problem;
        }

        var export = await sender.Send(new ExportCallerQuery(PhoneNumber.Parse(phone), Actor(context)), cancellationToken);
        return TypedResults.Ok(export);
    }

    private static async Task<IResult> EraseAsync(string phone, HttpContext context, ISender sender, Pseudonymizer pseudonyms, CancellationToken cancellationToken)
    {
        if (Problem(phone, pseudonyms) is { } problem)
        {
            return problem;
        }

        await sender.Send(new EraseCallerCommand(PhoneNumber.Parse(phone), Actor(context)), cancellationToken);
        return TypedResults.NoContent();
    }

    private static IResult? Problem(string phone, Pseudonymizer pseudonyms)
    {
        if (!PhoneNumber.TryParse(phone, out _))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a phone number", detail: "The number must be in E.164 form, such as +250788123456.");
        }

        return pseudonyms.IsConfigured
            ? null
            : TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Privacy not configured", detail: "Privacy:PseudonymKey must be set (at least 32 characters).");
    }

    /// <summary>The token's role and id: the audit knows which token acted, never the token.</summary>
    private static string Actor(HttpContext context) => OperatorAccessFilter.Principal(context)?.Actor ?? "unknown";
}
