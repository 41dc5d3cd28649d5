using EasyMo.Domain.Calls;
using EasyMo.Domain.Messaging;

namespace EasyMo.Application.Common.Abstractions;

/// <summary>What calls left behind, read back: transcripts, and the summaries of a caller's past calls.</summary>
public interface ICallHistory
{
    /// <summary>The transcript of a call (<see cref="Call.Id"/>), in the order it was spoken; empty when none was kept.</summary>
    Task<IReadOnlyList<TranscriptTurn>> GetTranscriptAsync(Guid callId, CancellationToken cancellationToken);

    /// <summary>What happened during a call besides talk (tools, transfers, keys, guards), in order.</summary>
    Task<IReadOnlyList<CallActivity>> GetActivitiesAsync(Guid callId, CancellationToken cancellationToken);

    /// <summary>What the caller asked for during a call, in order.</summary>
    Task<IReadOnlyList<CallRequest>> GetRequestsAsync(Guid callId, CancellationToken cancellationToken);

    /// <summary>The briefs sent for the call's warm transfers (outbox messages <c>transfer-brief:{callId}:{n}</c>), in order.</summary>
    Task<IReadOnlyList<OutboxMessage>> GetTransferBriefsAsync(OpenAiCallId callId, CancellationToken cancellationToken);

    /// <summary>The summary of the profile's most recently ended call that has one; null when none has.</summary>
    Task<string?> GetLastSummaryAsync(Guid profileId, CancellationToken cancellationToken);

}
