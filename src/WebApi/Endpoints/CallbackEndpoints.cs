using System.Text.Json;
using EasyMo.Application.Features.Callbacks;
using EasyMo.Application.Features.Callbacks.CancelCallback;
using EasyMo.Application.Features.Callbacks.ListCallbacks;
using EasyMo.Application.Features.Callbacks.RequestCallback;
using EasyMo.WebApi.Security;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EasyMo.WebApi.Endpoints;

/// <summary>
/// Calls back in the operators' API (<c>/api/callbacks</c>): list them, ask for one, cancel one still queued. The same
/// rules hold as for the calls back the service offers itself: one open per number, the day's limit, never a blocked caller.
/// </summary>
public static class CallbackEndpoints
{
    private const int MaxBodyBytes = 4 * 1024;

    public static RouteGroupBuilder MapCallbacks(this RouteGroupBuilder api)
    {
        api.MapGet("/callbacks", ListAsync)
            .WithName("ListCallbacks")
            .RequireRole(OperatorRoles.Viewer)
            .WithSummary("Calls back, newest first")
            .WithDescription("Filters: status (queued, dialing, placed, answered, not_answered, failed, in_doubt, cancelled, expired), limit (1-200, default 50).")
            .ProducesValidationProblem();
        api.MapPost("/callbacks", RequestAsync)
            .WithName("RequestCallback")
            .RequireRole(OperatorRoles.Operator)
            .AuditAs("callback_request")
            .WithSummary("Queues a call back to a number, placed when a line is free inside the caller's calling hours")
            .Accepts<CallbackRequest>("application/json")
            .Produces<CallbackItem>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/callbacks/{id}/cancel", CancelAsync)
            .WithName("CancelCallback")
            .RequireRole(OperatorRoles.Operator)
            .AuditAs("callback_cancel")
            .WithSummary("Cancels a call back that has not been dialed")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Ok<IReadOnlyList<CallbackItem>>> ListAsync(ISender sender, CancellationToken cancellationToken, string? status = null, string? limit = null) =>
        TypedResults.Ok(await sender.Send(new ListCallbacksQuery(status, limit), cancellationToken));

    private static async Task<Results<Created<CallbackItem>, ValidationProblem, ProblemHttpResult>> RequestAsync(
        HttpRequest request, ISender sender, CancellationToken cancellationToken)
    {
        var (body, tooLarge) = await BoundedJson.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (tooLarge)
        {
            return BodyProblem("The body is larger than 4 KiB.");
        }

        string? phone;
        try
        {
            if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("phone", out var value) || value.ValueKind != JsonValueKind.String)
            {
                return BodyProblem("The body must be a JSON object: {\"phone\": \"+250788123456\"}.");
            }

            phone = value.GetString();
        }
        catch (InvalidOperationException)
        {
            return BodyProblem("The body must be a JSON object: {\"phone\": \"+250788123456\"}.");
        }

        var result = await sender.Send(
            new RequestCallbackCommand(phone ?? string.Empty, OperatorAccessFilter.Principal(request.HttpContext)?.Actor ?? "operator"), cancellationToken);
        return result.Outcome switch
        {
            RequestCallbackOutcome.Queued => TypedResults.Created($"/api/callbacks/{result.Callback!.Id}", result.Callback),
            RequestCallbackOutcome.AlreadyOpen => Conflict("Call back already queued", "This number has a call back queued or being dialed; it answers this request too."),
            RequestCallbackOutcome.LimitReached => Conflict("Call back limit reached", "This number had its calls back for the day (Callbacks:MaxPerNumberPerDay)."),
            RequestCallbackOutcome.Blocked => Conflict("Caller blocked", "This number's profile is blocked: it is not called."),
            _ => Conflict("Calls back are off", "Calls back are not enabled (Callbacks:Enabled), or OpenAI refused outbound calling for the organization (see the logs)."),
        };

        static ValidationProblem BodyProblem(string why) => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [why] }, title: "Invalid request");
    }

    private static async Task<Results<Ok<CallbackItem>, ProblemHttpResult>> CancelAsync(string id, ISender sender, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var callbackId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Call back not found", detail: "Call back ids are UUIDs.");
        }

        var result = await sender.Send(new CancelCallbackCommand(callbackId), cancellationToken);
        return result.Outcome switch
        {
            CancelCallbackOutcome.Cancelled => TypedResults.Ok(result.Callback!),
            CancelCallbackOutcome.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Call back not found", detail: $"No call back has the id '{callbackId}'."),
            _ => Conflict("Call back not queued", $"The call back is {result.Callback?.Status ?? "no longer queued"}: only a queued one can be cancelled."),
        };
    }

    private static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    /// <summary>The body of <c>POST /api/callbacks</c>.</summary>
    internal sealed record CallbackRequest(string Phone);
}
