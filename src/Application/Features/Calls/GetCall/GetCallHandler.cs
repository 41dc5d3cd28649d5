using EasyMo.Application.Common.Abstractions;
using Mediator;

namespace EasyMo.Application.Features.Calls.GetCall;

public sealed class GetCallHandler(ICallStore store) : IQueryHandler<GetCallQuery, CallDetails?>
{
    public async ValueTask<CallDetails?> Handle(GetCallQuery query, CancellationToken cancellationToken) =>
        await store.GetCallAsync(query.CallId, cancellationToken) is { } call ? CallDetails.From(call) : null;
}
