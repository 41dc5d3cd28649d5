using EasyMo.Domain.Calls;

namespace EasyMo.Application.Common.Abstractions;

/// <summary>What calls left behind, read back: transcripts, the summaries of a caller's past calls, and summaries due.</summary>
public interface ICallHistory
{
    /// <summary>The transcript of a call (<see cref="Call.Id"/>), in the order it was spoken; empty when none was kept.</summary>
    Task<IReadOnlyList<TranscriptTurn>> GetTranscriptAsync(Guid callId, CancellationToken cancellationToken);

    /// <summary>What happened during a call besides talk (tools, transfers, keys, guards), in order.</summary>
    Task<IReadOnlyList<CallActivity>> GetActivitiesAsync(Guid callId, CancellationToken cancellationToken);

    /// <summary>What the caller asked for during a call, in order.</summary>
    Task<IReadOnlyList<CallRequest>> GetRequestsAsync(Guid callId, CancellationToken cancellationToken);

    /// <summary>The summary of the profile's most recently ended call that has one; null when none has.</summary>
    Task<string?> GetLastSummaryAsync(Guid profileId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="limit"/> calls whose summary is pending and due now, and leases them for
    /// <paramref name="lease"/> (they are not due again before then, here or on another instance); both by the database's
    /// clock. Returns OpenAI's call ids of the claimed calls.
    /// </summary>
    Task<IReadOnlyList<string>> ClaimDueSummariesAsync(TimeSpan lease, int limit, CancellationToken cancellationToken);
}
