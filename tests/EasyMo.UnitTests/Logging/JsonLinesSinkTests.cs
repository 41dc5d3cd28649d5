using System.Text;
using System.Text.Json;
using EasyMo.Testing;
using EasyMo.WebApi.Logging;
using Serilog;
using Serilog.Configuration;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Parsing;

namespace EasyMo.UnitTests.Logging;

/// <summary>
/// The service's log sink: one JSON line per event, in order, a batch formatted into one buffer and written and flushed
/// once (not a write to stdout per event), and nothing queued lost when the logger is disposed at shutdown.
/// </summary>
public sealed class JsonLinesSinkTests
{
    [Fact]
    public async Task A_batch_is_one_json_line_per_event_in_order_written_and_flushed_once()
    {
        var output = new CountingStream();
        var sink = new JsonLinesSink(new RenderedCompactJsonFormatter(), output);
        var batch = Enumerable.Range(1, 200).Select(Event).ToList();

        await sink.EmitBatchAsync(batch);

        output.Writes.ShouldBe(1, "a batch of 200 small events is one write");
        output.Flushes.ShouldBe(1);
        var lines = Lines(output);
        lines.Count.ShouldBe(200);
        lines.Select(line => line.RootElement.GetProperty("@m").GetString()).ShouldBe(batch.Select((_, i) => $"Call {i + 1} ended"));
    }

    [Fact]
    public void Events_still_queued_when_the_logger_is_disposed_are_written()
    {
        var output = new CountingStream();
        var logger = new LoggerConfiguration()
            .WriteTo.Sink(
                new JsonLinesSink(new RenderedCompactJsonFormatter(), output),
                new BatchingOptions { BufferingTimeLimit = TimeSpan.FromHours(1), EagerlyEmitFirstEvent = false })
            .CreateLogger();

        for (var i = 1; i <= 50; i++)
        {
            logger.Information("Call {N} ended", i);
        }

        output.Writes.ShouldBe(0, "an hour's buffering: nothing is written before the logger is disposed");
        logger.Dispose();

        var lines = Lines(output);
        lines.Count.ShouldBe(50);
        lines[^1].RootElement.GetProperty("N").GetInt32().ShouldBe(50);
    }

    [Fact]
    public async Task A_stalled_stdout_never_holds_up_the_code_that_logs()
    {
        // stdout stops taking writes (a full pipe nobody reads): the events beyond the queue are dropped, the caller goes on.
        var stalled = new StalledStream();
        var logger = new LoggerConfiguration()
            .WriteTo.Sink(
                new JsonLinesSink(new RenderedCompactJsonFormatter(), stalled),
                new BatchingOptions { BatchSizeLimit = 10, QueueLimit = 100, BufferingTimeLimit = TimeSpan.FromMilliseconds(1) })
            .CreateLogger();

        var logging = Task.Run(
            () =>
            {
                for (var i = 0; i < 10_000; i++)
                {
                    logger.Information("Call {N} ended", i);
                }
            },
            TestContext.Current.CancellationToken);

        await logging.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await Poll.UntilAsync(() => stalled.Writes > 0, "the sink's attempt to write");
        stalled.Release();
    }

    private static LogEvent Event(int n) => new(
        DateTimeOffset.UtcNow, LogEventLevel.Information, exception: null, new MessageTemplateParser().Parse("Call {N} ended"),
        [new LogEventProperty("N", new ScalarValue(n))]);

    private static List<JsonDocument> Lines(CountingStream output) =>
        [.. Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line))];

    /// <summary>
    /// A write-only stream that counts the writes and flushes it is given (each once, whichever overload), keeping what
    /// was written readable after it is disposed.
    /// </summary>
    private sealed class CountingStream : WriteOnlyStream
    {
        private readonly MemoryStream _written = new();

        public int Writes { get; private set; }

        public int Flushes { get; private set; }

        public byte[] ToArray() => _written.ToArray();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Writes++;
            _written.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush() => Flushes++;

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flushes++;
            return Task.CompletedTask;
        }
    }

    /// <summary>A stream whose writes wait until it is released.</summary>
    private sealed class StalledStream : WriteOnlyStream
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public void Release() => _released.TrySetResult();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Interlocked.Increment(ref _writes);
            _released.Task.Wait();
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _writes);
            await _released.Task;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }
    }

    /// <summary>A stream that can only be written to.</summary>
    private abstract class WriteOnlyStream : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
