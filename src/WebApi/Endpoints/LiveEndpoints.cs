using System.Text.Json;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Features.Calls.EndCall;
using EasyMo.Application.Features.Calls.TransferCall;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.WebApi.Security;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EasyMo.WebApi.Endpoints;

/// <summary>
/// The live view (issue 18): <c>GET /api/live/calls</c>, server-sent events — a <c>snapshot</c> of the calls live now
/// (every instance's), then each call's <c>started</c>, <c>turn</c>, <c>wait</c> and <c>ended</c> as they happen, and a
/// comment line as a heartbeat. A token with only the <c>viewer</c> role sees callers' numbers masked. Operators end or
/// transfer a live call with <c>POST /api/calls/{callId}/end</c> and <c>…/transfer</c>.
/// </summary>
public static class LiveEndpoints
{
    private static readonly JsonSerializerOptions Json = Options();

    public static RouteGroupBuilder MapLiveCalls(this RouteGroupBuilder api)
    {
        api.MapGet("/live/calls", StreamAsync)
            .WithName("WatchLiveCalls")
            .RequireRole(OperatorRoles.Viewer)
            .WithSummary("The live calls as they change: server-sent events (snapshot, then started, turn, wait, ended)")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        api.MapPost("/calls/{callId}/end", EndAsync)
            .WithName("EndCall")
            .RequireRole(OperatorRoles.Operator)
            .WithSummary("Ends a live call: hung up at OpenAI")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway);
        api.MapPost("/calls/{callId}/transfer", TransferAsync)
            .WithName("TransferCall")
            .RequireRole(OperatorRoles.Operator)
            .WithSummary("Hands a live call to a person (the transfer target of its language and channel)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway);
        return api;
    }

    private static async Task StreamAsync(HttpContext context, ILiveCalls live, CancellationToken cancellationToken)
    {
        var masked = OperatorAccessFilter.Principal(context) is not { } principal || !principal.May(OperatorRoles.Operator);
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Accel-Buffering"] = "no";

        // Watch first, then read the list: nothing that happens in between is missed (at worst seen twice).
        await using var events = live.WatchAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        var watching = events.MoveNextAsync();
        var calls = await live.ListAsync(cancellationToken);
        await WriteAsync(context, "snapshot", calls.Select(call => call with { Caller = Shown(call.Caller, masked) }).ToArray(), cancellationToken);
        try
        {
            while (await watching)
            {
                if (events.Current is { } liveEvent)
                {
                    await WriteAsync(context, liveEvent.Kind, liveEvent with { Caller = Shown(liveEvent.Caller, masked) }, cancellationToken);
                }
                else
                {
                    await context.Response.WriteAsync(": still here\n\n", cancellationToken);
                    await context.Response.Body.FlushAsync(cancellationToken);
                }

                watching = events.MoveNextAsync();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The viewer went away.
        }
    }

    private static string? Shown(string? caller, bool masked) =>
        caller is null || !masked ? caller : PhoneNumber.TryParse(caller, out var number) ? number.Masked : "***";

    private static async Task WriteAsync<T>(HttpContext context, string kind, T data, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync($"event: {kind}\ndata: {JsonSerializer.Serialize(data, Json)}\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    private static async Task<Results<Ok<ActionOutcome>, ProblemHttpResult>> EndAsync(string callId, HttpContext context, ISender sender, CancellationToken cancellationToken)
    {
        var outcome = await sender.Send(new EndCallCommand(new OpenAiCallId(callId), OperatorAccessFilter.Principal(context)?.TokenId), cancellationToken);
        return outcome switch
        {
            EndCallOutcome.Ended => TypedResults.Ok(new ActionOutcome(callId, StateNames.Of(outcome))),
            EndCallOutcome.NotLive => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such live call", detail: "The call is not live: never accepted, or over."),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "OpenAI did not take the hang-up", detail: "Try again; the call is still live."),
        };
    }

    private static async Task<Results<Ok<ActionOutcome>, ProblemHttpResult>> TransferAsync(string callId, HttpContext context, ISender sender, CancellationToken cancellationToken)
    {
        var outcome = await sender.Send(new TransferCallCommand(new OpenAiCallId(callId), TransferTrigger.Operator, OperatorAccessFilter.Principal(context)?.TokenId), cancellationToken);
        return outcome switch
        {
            TransferOutcome.Transferring => TypedResults.Ok(new ActionOutcome(callId, StateNames.Of(outcome))),
            TransferOutcome.NotLive => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such live call", detail: "The call is not live: never accepted, or over."),
            TransferOutcome.NoTarget => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "No transfer target", detail: "No person to transfer to is configured for the call's language and channel (Calls:TransferTargets)."),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "OpenAI did not take the transfer", detail: "Try again; the call is still live."),
        };
    }

    private static JsonSerializerOptions Options()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
        ApiJson.Configure(options);
        return options;
    }

    /// <summary>What an operator's act on a live call did: <c>ended</c>, <c>transferring</c>.</summary>
    public sealed record ActionOutcome(string CallId, string Outcome);
}
