using System.Text.Json;
using EasyMo.Application.Features.Calls.GetCall;
using EasyMo.Application.Features.Calls.ListCalls;
using EasyMo.Application.Features.Profiles;
using EasyMo.Application.Features.Profiles.GetProfile;
using EasyMo.Application.Features.Profiles.UpsertProfile;
using EasyMo.Application.Features.Stats.GetCallStats;
using EasyMo.Domain.Calls;
using EasyMo.WebApi.Security;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EasyMo.WebApi.Endpoints;

/// <summary>
/// The operators' API under <c>/api</c>, behind operator bearer tokens and their roles (<see cref="OperatorAccessFilter"/>). Query values arrive as text and are checked by
/// the use cases' validators, so that a bad one is a 400 problem naming it rather than a binding failure.
/// </summary>
public static class AdminEndpoints
{
    /// <summary>The tag, and the security scheme the OpenAPI document gives these operations.</summary>
    public const string Tag = "Operators";

    private const int MaxProfileBodyBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api")
            .AddEndpointFilter<OperatorAccessFilter>()
            .WithTags(Tag)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapGet("/me", Me)
            .WithName("GetOperator")
            .WithSummary("The presented token's roles and id (never the token): what the dashboard may show")
            .RequireRole(OperatorRoles.None);

        api.MapGet("/calls", ListCallsAsync)
            .WithName("ListCalls")
            .RequireRole(OperatorRoles.Viewer)
            .WithSummary("Calls, newest first, a keyset page at a time")
            .WithDescription("Filters: status, channel (whatsapp|phone), identity (verified|unverified), language (en|fr|rw), from, to (ISO-8601 instants or dates; to exclusive), "
                + "caller (E.164, with or without '+'), limit (1-200, default 50), page (the previous answer's nextPage).")
            .ProducesValidationProblem();
        api.MapGet("/calls/{callId}", GetCallAsync)
            .WithName("GetCall")
            .RequireRole(OperatorRoles.Viewer)
            .WithSummary("One call: its record, transcript, activities, requests and lifecycle events")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/profiles/{phone}", GetProfileAsync)
            .WithName("GetProfile")
            .RequireRole(OperatorRoles.Operator)
            .WithSummary("A caller's profile by phone number, with how many calls they made")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/profiles/{phone}", PutProfileAsync)
            .WithName("PutProfile")
            .RequireRole(OperatorRoles.Operator)
            .AuditAs("profile_update")
            .WithSummary("Changes a profile's name, language or blocked flag, creating the profile when the number has none")
            .WithDescription("Only the members present change; null clears name or language. Blocking takes effect on the next incoming call (603).")
            .Accepts<ProfileChanges>("application/json")
            .Produces<ProfileDetails>(StatusCodes.Status201Created)
            .ProducesValidationProblem();
        api.MapGet("/stats/calls", GetCallStatsAsync)
            .WithName("GetCallStats")
            .RequireRole(OperatorRoles.Viewer)
            .WithSummary("Call figures for the last N UTC calendar days (1-366, default 7), today included")
            .ProducesValidationProblem();
        api.MapCallbacks();
        api.MapLiveCalls();
        return app;
    }

    private static async Task<Ok<CallListPage>> ListCallsAsync(
        ISender sender,
        CancellationToken cancellationToken,
        string? status = null,
        string? channel = null,
        string? language = null,
        string? from = null,
        string? to = null,
        string? caller = null,
        string? limit = null,
        string? page = null,
        string? identity = null,
        string? outcome = null,
        string? service = null,
        string? sentiment = null) =>
        TypedResults.Ok(await sender.Send(new ListCallsQuery(status, channel, language, from, to, caller, limit, page, identity, outcome, service, sentiment), cancellationToken));

    private static async Task<Results<Ok<CallDetails>, ProblemHttpResult>> GetCallAsync(string callId, ISender sender, CancellationToken cancellationToken) =>
        // An id no call can have (a NUL, say) is answered like an unknown one, without asking the database or echoing it.
        !OpenAiCallId.TryParse(callId, out var id)
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Call not found", detail: "No call has that id: OpenAI's call ids are letters, digits, '_', '-', '.' and ':'.")
            : await sender.Send(new GetCallQuery(id), cancellationToken) is { } call
                ? TypedResults.Ok(call)
                : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Call not found", detail: $"No call has the id '{id}'.");

    private static async Task<Results<Ok<ProfileDetails>, ProblemHttpResult>> GetProfileAsync(string phone, ISender sender, CancellationToken cancellationToken) =>
        await sender.Send(new GetProfileQuery(phone), cancellationToken) is { } profile
            ? TypedResults.Ok(profile)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Profile not found", detail: "No profile has this phone number.");

    private static async Task<Results<Ok<ProfileDetails>, Created<ProfileDetails>, ValidationProblem>> PutProfileAsync(
        string phone, HttpRequest request, ISender sender, CancellationToken cancellationToken)
    {
        var (body, tooLarge) = await BoundedJson.ReadAsync(request, MaxProfileBodyBytes, cancellationToken);
        if (tooLarge)
        {
            return BodyProblem("The body is larger than 16 KiB.");
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return BodyProblem("The body must be a JSON object: {\"name\"?, \"language\"?, \"blocked\"?}.");
        }

        var errors = new Dictionary<string, string[]>();
        bool hasName, hasLanguage, hasBlocked = false, blocked = false;
        string? name, language;
        try
        {
            (hasName, name) = ReadString(body, "name", errors);
            (hasLanguage, language) = ReadString(body, "language", errors);
            if (body.TryGetProperty("blocked", out var blockedValue))
            {
                hasBlocked = true;
                if (blockedValue.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    blocked = blockedValue.GetBoolean();
                }
                else
                {
                    errors["blocked"] = ["blocked must be true or false."];
                }
            }
        }
        catch (InvalidOperationException)
        {
            // An escaped unpaired surrogate ("\ud800") in a name or a value: valid JSON, but not text.
            return BodyProblem("The body holds a string that is not text (an unpaired surrogate).");
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid request");
        }

        var result = await sender.Send(new UpsertProfileCommand(phone, hasName, name, hasLanguage, language, hasBlocked, blocked), cancellationToken);
        return result.Created
            ? TypedResults.Created($"/api/profiles/{result.Profile.Phone}", result.Profile)
            : TypedResults.Ok(result.Profile);

        static ValidationProblem BodyProblem(string why) => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [why] }, title: "Invalid request");
    }

    private static (bool Present, string? Value) ReadString(JsonElement body, string member, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(member, out var value))
        {
            return (false, null);
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return (true, value.GetString());
            case JsonValueKind.Null:
                return (true, null);
            default:
                errors[member] = [$"{member} must be a string or null."];
                return (true, null);
        }
    }

    private static Ok<OperatorIdentity> Me(HttpContext context) =>
        TypedResults.Ok(OperatorAccessFilter.Principal(context) is { } principal
            ? new OperatorIdentity(principal.RoleNames, principal.TokenId)
            : new OperatorIdentity([], string.Empty));

    /// <summary>The answer of <c>GET /api/me</c>: <c>roles</c> among <c>viewer</c>, <c>operator</c>, <c>privacy</c>.</summary>
    internal sealed record OperatorIdentity(IReadOnlyList<string> Roles, string TokenId);

    private static async Task<Ok<CallStatsReport>> GetCallStatsAsync(ISender sender, CancellationToken cancellationToken, string? days = null) =>
        TypedResults.Ok(await sender.Send(new GetCallStatsQuery(days), cancellationToken));

    /// <summary>The body of <c>PUT /api/profiles/{phone}</c>, as documented; members left out are not changed.</summary>
    internal sealed record ProfileChanges(string? Name, string? Language, bool? Blocked);
}
