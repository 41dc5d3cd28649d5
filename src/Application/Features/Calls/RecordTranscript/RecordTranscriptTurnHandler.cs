using EasyMo.Application.Common.Abstractions;
using Mediator;

namespace EasyMo.Application.Features.Calls.RecordTranscript;

/// <summary>
/// Stores a transcript turn in order; empty turns, turns already stored, and turns of a call whose caller has not
/// consented (docs/privacy.md) are skipped. Never logged.
/// </summary>
public sealed class RecordTranscriptTurnHandler(ICallStore store, TimeProvider time) : ICommandHandler<RecordTranscriptTurnCommand, bool>
{
    public async ValueTask<bool> Handle(RecordTranscriptTurnCommand command, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(command.Text) || await store.GetCallAsync(command.CallId, cancellationToken) is not { KeepsContent: true } call)
        {
            return false;
        }

        return await store.AppendTranscriptAsync(
            new TranscriptTurnDraft(call.Id, command.Speaker, command.Text.Trim(), command.ItemId, time.GetUtcNow()),
            cancellationToken);
    }
}
