using EasyMo.Application.Common.Abstractions;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.Privacy.EraseCaller;

/// <summary>Erases a caller (see <see cref="IPrivacyStore.EraseAsync"/>); idempotent, audited.</summary>
public sealed partial class EraseCallerHandler(IPrivacyStore store, Pseudonymizer pseudonyms, TimeProvider time, ILogger<EraseCallerHandler> logger)
    : ICommandHandler<EraseCallerCommand, EraseCallerResult>
{
    public async ValueTask<EraseCallerResult> Handle(EraseCallerCommand command, CancellationToken cancellationToken)
    {
        var subject = pseudonyms.For(command.Phone);
        var counts = await store.EraseAsync(command.Phone, subject, command.Actor, time.GetUtcNow(), cancellationToken);
        // The pseudonym alone: logged next to even a masked number, it would be narrowed to a few thousand numbers.
        Erased(logger, subject, counts.Values.Sum());
        return new EraseCallerResult(subject, counts);
    }

    [LoggerMessage(EventId = 1370, EventName = "PRIVACY_ERASED", Level = LogLevel.Information, Message = "Erased caller {Subject}: {Rows} rows touched")]
    private static partial void Erased(ILogger logger, string subject, int rows);
}
