namespace EasyMo.Application.Features.Calls.ListCalls;

/// <summary>
/// One row of <c>GET /api/calls</c>. <c>startedAt</c> is when the call rang (the incoming webhook); <c>outcome</c>,
/// <c>service</c> and <c>sentiment</c> are the post-call analysis's, null while there is none.
/// </summary>
public sealed record CallListItem(
    string CallId,
    string Status,
    string Channel,
    string Identity,
    string Language,
    string? Caller,
    string? Callee,
    string? Trunk,
    DateTimeOffset StartedAt,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? EndedAt,
    int? DurationSeconds,
    string? EndReason,
    string? Outcome = null,
    string? Service = null,
    string? Sentiment = null);

/// <summary>A page of calls; <c>nextPage</c> is the token of the following page, null on the last one.</summary>
public sealed record CallListPage(IReadOnlyList<CallListItem> Items, string? NextPage);

/// <summary>
/// Filters in their database form (snake_case status, <c>phone</c>/<c>whatsapp</c>, <c>verified</c>/<c>unverified</c>,
/// language code, E.164); null: any.
/// </summary>
public sealed record CallListFilter(
    string? Status,
    string? Channel,
    string? Identity,
    string? Language,
    DateTimeOffset? From,
    DateTimeOffset? To,
    string? Caller,
    string? Outcome = null,
    string? Service = null,
    string? Sentiment = null);

/// <summary>Where a page ends in the list's order: the last row's start time and call id.</summary>
public sealed record CallKeyset(DateTimeOffset StartedAt, string CallId);
