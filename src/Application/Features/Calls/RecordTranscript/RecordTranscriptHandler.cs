using EasyMo.Application.Common.Abstractions;
using Mediator;

namespace EasyMo.Application.Features.Calls.RecordTranscript;

/// <summary>
/// Stores transcript turns in order, in one statement; empty turns, turns already stored, and turns of a call whose caller
/// has not consented or was erased (docs/privacy.md) are skipped. Never logged.
/// </summary>
public sealed class RecordTranscriptHandler(ICallStore store) : ICommandHandler<RecordTranscriptCommand, int>
{
    public async ValueTask<int> Handle(RecordTranscriptCommand command, CancellationToken cancellationToken)
    {
        var turns = command.Turns
            .Where(turn => !string.IsNullOrWhiteSpace(turn.Text))
            .Select(turn => new TranscriptTurnDraft(turn.CallId, turn.Speaker, turn.Text.Trim(), turn.ItemId, turn.At))
            .ToList();
        return turns.Count == 0 ? 0 : await store.AppendTranscriptAsync(turns, cancellationToken);
    }
}
