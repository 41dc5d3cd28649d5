using EasyMo.Application.Common.Abstractions;
using Mediator;

namespace EasyMo.Application.Features.Calls.AcknowledgeOtherRuntime;

public sealed class AcknowledgeOtherRuntimeHandler(ICallStore store, TimeProvider time) : ICommandHandler<AcknowledgeOtherRuntimeCommand, bool>
{
    public async ValueTask<bool> Handle(AcknowledgeOtherRuntimeCommand command, CancellationToken cancellationToken) =>
        await store.RecordDeliveryAsync(command.WebhookId, command.EventType, command.CallId, time.GetUtcNow(), cancellationToken);
}
