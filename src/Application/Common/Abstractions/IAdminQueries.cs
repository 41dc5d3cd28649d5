using EasyMo.Application.Features.Calls.GetCall;
using EasyMo.Application.Features.Calls.ListCalls;
using EasyMo.Application.Features.Stats.GetCallStats;
using EasyMo.Domain.Calls;

namespace EasyMo.Application.Common.Abstractions;

/// <summary>The operators' read models, computed by the database (keyset pages, aggregates), never by loading rows.</summary>
public interface IAdminQueries
{
    /// <summary>
    /// Up to <paramref name="take"/> calls matching <paramref name="filter"/>, newest first (<c>received_at</c> desc,
    /// <c>call_id</c> desc), strictly after <paramref name="after"/> in that order when it is given.
    /// </summary>
    Task<IReadOnlyList<CallListItem>> ListCallsAsync(CallListFilter filter, CallKeyset? after, int take, CancellationToken cancellationToken);

    /// <summary>A call's lifecycle as the database recorded it (call row, activities, requests, outbox, WhatsApp), in order.</summary>
    Task<IReadOnlyList<CallEvent>> GetCallEventsAsync(Guid id, OpenAiCallId callId, CancellationToken cancellationToken);

    /// <summary>How many calls a profile made, and when the last one came in.</summary>
    Task<(int Calls, DateTimeOffset? LastCallAt)> CountProfileCallsAsync(Guid profileId, CancellationToken cancellationToken);

    /// <summary>Call figures for the UTC calendar days <paramref name="firstDay"/> to <paramref name="lastDay"/> (inclusive).</summary>
    Task<CallStats> GetCallStatsAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken);
}
