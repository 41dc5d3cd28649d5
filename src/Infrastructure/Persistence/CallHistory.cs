using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Messaging;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// Reads what calls left behind. The last summary of a caller is read while the phone rings: one query on
/// <c>ix_calls_profile_summaries</c> (<c>profile_id, ended_at</c> where <c>summary IS NOT NULL</c>), newest first, one row.
/// </summary>
internal sealed class CallHistory(EasyMoDbContext db) : ICallHistory
{
    private static readonly Func<EasyMoDbContext, Guid, CancellationToken, Task<string?>> LastSummary =
        EF.CompileAsyncQuery((EasyMoDbContext context, Guid profileId, CancellationToken _) =>
            context.Calls.AsNoTracking()
                .Where(call => call.ProfileId == profileId && call.Summary != null)
                .OrderByDescending(call => call.EndedAt)
                .Select(call => call.Summary)
                .FirstOrDefault());

    public async Task<IReadOnlyList<TranscriptTurn>> GetTranscriptAsync(Guid callId, CancellationToken cancellationToken) =>
        await db.Transcripts.AsNoTracking()
            .Where(turn => turn.CallId == callId)
            .OrderBy(turn => turn.Sequence)
            .ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<CallActivity>> GetActivitiesAsync(Guid callId, CancellationToken cancellationToken) =>
        await db.CallActivities.AsNoTracking().Where(activity => activity.CallId == callId).OrderBy(activity => activity.At).ThenBy(activity => activity.Id).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<CallRequest>> GetRequestsAsync(Guid callId, CancellationToken cancellationToken) =>
        await db.CallRequests.AsNoTracking().Where(request => request.CallId == callId).OrderBy(request => request.At).ThenBy(request => request.Id).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<OutboxMessage>> GetTransferBriefsAsync(OpenAiCallId callId, CancellationToken cancellationToken)
    {
        var prefix = OutboxMessage.TransferBriefKeysOf(callId);
        var found = await db.OutboxMessages.AsNoTracking()
            .Where(message => message.DeduplicationKey.StartsWith(prefix))
            .ToListAsync(cancellationToken);

        // Ids may hold ':': another call's keys can start with this prefix too, but only this call's end in the ordinal alone.
        return found
            .Select(message => (Message: message, Ordinal: int.TryParse(message.DeduplicationKey.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0))
            .Where(found => found.Ordinal > 0)
            .OrderBy(found => found.Ordinal)
            .Select(found => found.Message)
            .ToList();
    }

    public Task<string?> GetLastSummaryAsync(Guid profileId, CancellationToken cancellationToken) => LastSummary(db, profileId, cancellationToken);
}
