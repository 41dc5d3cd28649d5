using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Common;
using Mediator;

namespace EasyMo.Application.Features.Calls.ListCalls;

/// <summary>One keyset page: asks for one row more than the limit to know whether another page follows.</summary>
public sealed class ListCallsHandler(IAdminQueries queries) : IQueryHandler<ListCallsQuery, CallListPage>
{
    public async ValueTask<CallListPage> Handle(ListCallsQuery query, CancellationToken cancellationToken)
    {
        CallListParameters.TryParseLimit(query.Limit, out var limit);
        CallKeyset? after = null;
        if (query.Page is not null)
        {
            CallListParameters.TryDecodePage(query.Page, out after);
        }

        var filter = new CallListFilter(
            CallListParameters.Normalize(query.Status),
            CallListParameters.Normalize(query.Channel),
            CallListParameters.Normalize(query.Identity),
            CallListParameters.Normalize(query.Language),
            CallListParameters.TryParseInstant(query.From, out var from) ? from : null,
            CallListParameters.TryParseInstant(query.To, out var to) ? to : null,
            PhoneNumber.TryParse(query.Caller, out var caller) ? caller.Value : null,
            CallListParameters.Normalize(query.Outcome),
            CallListParameters.Normalize(query.Service),
            CallListParameters.Normalize(query.Sentiment));

        var rows = await queries.ListCallsAsync(filter, after, limit + 1, cancellationToken);
        if (rows.Count <= limit)
        {
            return new CallListPage(rows, NextPage: null);
        }

        var items = rows.Take(limit).ToArray();
        var last = items[^1];
        return new CallListPage(items, CallListParameters.EncodePage(new CallKeyset(last.StartedAt, last.CallId)));
    }
}
