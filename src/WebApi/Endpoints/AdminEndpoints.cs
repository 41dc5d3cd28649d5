using EasyMo.Application.Features.Calls.GetCall;
using EasyMo.WebApi.Security;
using Mediator;

namespace EasyMo.WebApi.Endpoints;

/// <summary>The operators' API under <c>/api</c>, behind the admin bearer token.</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter<AdminTokenFilter>();
        api.MapGet("/calls/{callId}", GetCallAsync).WithName("GetCall");
        return app;
    }

    private static async Task<IResult> GetCallAsync(string callId, ISender sender, CancellationToken cancellationToken) =>
        await sender.Send(new GetCallQuery(callId), cancellationToken) is { } call
            ? TypedResults.Ok(call)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Call not found", detail: $"No call has the id '{callId}'.");
}
