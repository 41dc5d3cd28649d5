using System.Diagnostics;
using System.Threading.Channels;
using EasyMo.Application.Common.Metrics;
using EasyMo.Application.Features.Calls.RecordTranscript;
using EasyMo.Infrastructure.Work;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EasyMo.Infrastructure.Realtime;

/// <summary>
/// Writes the transcript turns of every call this instance follows, in batches: one statement (and one commit) for all
/// the turns heard since the last batch, from every call, instead of a transaction per turn. A batch is written as soon
/// as the previous one is committed, so under light load a turn is written alone at once, and under heavy load the
/// batches grow (up to <see cref="RecordTranscriptCommand.MaxTurns"/>) while the statements per second stay few. Turns of
/// one call stay in the order they were heard. The queue is bounded: a session waits when it is full. A batch the
/// database refuses is retried a few times and then given up (<c>easymo_transcript_turns_dropped</c>).
/// Owned by <see cref="CallMonitorService"/>, which completes it after its last session ended.
/// </summary>
internal sealed partial class TranscriptWriter(IServiceScopeFactory scopes, EasyMoMetrics metrics, TimeProvider time, ILogger logger)
{
    /// <summary>Turns waiting to be written; beyond this a session waits.</summary>
    internal const int QueueCapacity = 16_384;

    /// <summary>Retries of a refused batch before its turns are given up (RetryBackoff from 250 ms, at most 3 s apart).</summary>
    private const int Retries = 3;

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>A turn, with the <see cref="Stopwatch"/> time it could be stored from; or a flush marker.</summary>
    private readonly record struct Pending(SpokenTurn? Turn, long StorableAt, TaskCompletionSource? Flushed);

    /// <summary>Queues a turn that may be stored now (the caller consented); <paramref name="storableAt"/> measures its lag.</summary>
    public ValueTask WriteAsync(SpokenTurn turn, long storableAt, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(new Pending(turn, storableAt, Flushed: null), cancellationToken);

    /// <summary>Returns once every turn queued before the call was written (or given up): before a call's end is recorded.</summary>
    public async Task FlushAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(null, 0, flushed)))
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(wait);
            try
            {
                await _queue.Writer.WriteAsync(new Pending(null, 0, flushed), bounded.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
            {
                return;
            }
        }

        try
        {
            await flushed.Task.WaitAsync(wait, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The database is slow: the end is recorded anyway, and the turns still follow.
        }
    }

    /// <summary>No more turns: <see cref="RunAsync"/> writes what is queued and returns.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Writes batches until <see cref="Complete"/>; never stopped by a token, so that nothing queued is lost on shutdown.</summary>
    public async Task RunAsync()
    {
        var batch = new List<SpokenTurn>(RecordTranscriptCommand.MaxTurns);
        var heard = new List<long>(RecordTranscriptCommand.MaxTurns);
        var flushes = new List<TaskCompletionSource>();
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < RecordTranscriptCommand.MaxTurns && _queue.Reader.TryRead(out var pending))
            {
                if (pending.Turn is { } turn)
                {
                    batch.Add(turn);
                    heard.Add(pending.StorableAt);
                }
                else if (pending.Flushed is { } flushed)
                {
                    flushes.Add(flushed);
                }
            }

            if (batch.Count > 0)
            {
                await WriteBatchAsync(batch, heard);
            }

            flushes.ForEach(flushed => flushed.TrySetResult());
            batch.Clear();
            heard.Clear();
            flushes.Clear();
        }
    }

    private async Task WriteBatchAsync(List<SpokenTurn> batch, List<long> heard)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ISender>().Send(new RecordTranscriptCommand(batch), CancellationToken.None);
                foreach (var storableAt in heard)
                {
                    metrics.TranscriptStored(storableAt);
                }

                return;
            }
            catch (Exception exception) when (attempt < Retries)
            {
                BatchRetried(logger, batch.Count, attempt + 1, exception.GetType().Name);
                await Task.Delay(RetryBackoff.After(attempt + 1, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3)), time);
            }
            catch (Exception exception)
            {
                metrics.TranscriptDropped(batch.Count);
                BatchDropped(logger, batch.Count, exception);
                return;
            }
        }
    }

    [LoggerMessage(EventId = 1314, EventName = "TRANSCRIPT_BATCH_RETRY", Level = LogLevel.Warning,
        Message = "Writing {Turns} transcript turns failed (attempt {Attempt}: {ExceptionType}); trying again")]
    private static partial void BatchRetried(ILogger logger, int turns, int attempt, string exceptionType);

    [LoggerMessage(EventId = 1315, EventName = "TRANSCRIPT_BATCH_DROPPED", Level = LogLevel.Error,
        Message = "Gave up writing {Turns} transcript turns")]
    private static partial void BatchDropped(ILogger logger, int turns, Exception exception);
}
