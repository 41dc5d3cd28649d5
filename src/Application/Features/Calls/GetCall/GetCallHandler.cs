using EasyMo.Application.Common.Abstractions;
using Mediator;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Features.Calls.GetCall;

public sealed class GetCallHandler(ICallStore store, ICallHistory history, IAdminQueries queries, IOptions<CallPricingOptions> pricing)
    : IQueryHandler<GetCallQuery, CallDetails?>
{
    public async ValueTask<CallDetails?> Handle(GetCallQuery query, CancellationToken cancellationToken)
    {
        if (await store.GetCallAsync(query.CallId, cancellationToken) is not { } call)
        {
            return null;
        }

        // One context: the reads run one after the other.
        var transcript = await history.GetTranscriptAsync(call.Id, cancellationToken);
        var activities = await history.GetActivitiesAsync(call.Id, cancellationToken);
        var requests = await history.GetRequestsAsync(call.Id, cancellationToken);
        var events = await queries.GetCallEventsAsync(call.Id, call.CallId, cancellationToken);
        var briefs = await history.GetTransferBriefsAsync(call.CallId, cancellationToken);
        return CallDetails.From(call, transcript, activities, requests, events) with
        {
            CostUsd = pricing.Value.Cost(call),
            TransferBriefs = briefs.Select(TransferBriefLine.From).ToArray(),
        };
    }
}
