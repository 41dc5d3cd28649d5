using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
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

    public Task<string?> GetLastSummaryAsync(Guid profileId, CancellationToken cancellationToken) => LastSummary(db, profileId, cancellationToken);

    /// <summary>
    /// One statement, so one short transaction: the due rows are locked with <c>FOR UPDATE SKIP LOCKED</c> (another
    /// instance sweeping at the same moment skips them rather than waiting) and their due time is pushed to the end of
    /// the lease. A row another instance has just leased no longer qualifies when it is re-checked after its lock.
    /// </summary>
    public async Task<IReadOnlyList<string>> ClaimDueSummariesAsync(TimeSpan lease, int limit, CancellationToken cancellationToken) =>
        await db.Database
            .SqlQuery<string>(
                $"""
                WITH due AS (
                    SELECT id FROM calls
                    WHERE summary_status = 'pending' AND summary_due_at <= now()
                    ORDER BY summary_due_at
                    LIMIT {limit}
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE calls SET summary_due_at = now() + {lease}
                FROM due
                WHERE calls.id = due.id
                RETURNING calls.call_id AS "Value"
                """)
            .ToListAsync(cancellationToken);
}
