using Mediator;

namespace EasyMo.Application.Features.Calls.ListCalls;

/// <summary>
/// <c>GET /api/calls</c>: the query string as it came, validated by <see cref="ListCallsValidator"/> so that a bad value
/// is a 400 naming its parameter.
/// </summary>
public sealed record ListCallsQuery(
    string? Status = null,
    string? Channel = null,
    string? Language = null,
    string? From = null,
    string? To = null,
    string? Caller = null,
    string? Limit = null,
    string? Page = null,
    string? Identity = null,
    string? Outcome = null,
    string? Service = null,
    string? Sentiment = null) : IQuery<CallListPage>;
