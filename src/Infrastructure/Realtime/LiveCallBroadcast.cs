using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EasyMo.Infrastructure.Realtime;

/// <summary>
/// Sends this instance's live-call events to every instance's live view through PostgreSQL (<c>NOTIFY easymo_live</c>):
/// events are gathered for a moment and sent in one statement per flush (JSON arrays of at most
/// <see cref="MaxPayloadBytes"/>), so the cost is per instance, not per call. Never blocks a call: when the queue is full
/// the oldest events go. Owned by <see cref="CallMonitorService"/>.
/// </summary>
internal sealed partial class LiveCallBroadcast(IServiceScopeFactory scopes, TimeProvider time, ILogger logger)
{
    /// <summary>The channel every instance listens on.</summary>
    public const string Channel = "easymo_live";

    /// <summary>Below PostgreSQL's 8,000-byte NOTIFY payload limit.</summary>
    internal const int MaxPayloadBytes = 7_000;

    /// <summary>The longest turn text sent (the view shows the call's transcript in full on the call's page).</summary>
    internal const int MaxTextLength = 1_000;

    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(100);

    private readonly Channel<LiveCallEvent> _queue = System.Threading.Channels.Channel.CreateBounded<LiveCallEvent>(
        new BoundedChannelOptions(4_096) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

    public void Publish(LiveCallEvent liveEvent) =>
        _queue.Writer.TryWrite(liveEvent.Text is { Length: > MaxTextLength } text ? liveEvent with { Text = text[..MaxTextLength] + "…" } : liveEvent);

    public void Complete() => _queue.Writer.TryComplete();

    public async Task RunAsync()
    {
        var batch = new List<LiveCallEvent>();
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            // A moment to gather what happens together (a call's turn and its wait, many calls' turns under load).
            await Task.Delay(Gather, time);
            while (batch.Count < 500 && _queue.Reader.TryRead(out var liveEvent))
            {
                batch.Add(liveEvent);
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var payloads = Payloads(batch);
                await scope.ServiceProvider.GetRequiredService<EasyMoDbContext>().Database.ExecuteSqlInterpolatedAsync(
                    $"SELECT pg_notify({Channel}, payload) FROM unnest({payloads}::text[]) AS payload", CancellationToken.None);
            }
            catch (Exception exception)
            {
                // The live view misses these; nothing else depends on them.
                NotSent(logger, batch.Count, exception.GetType().Name);
            }

            batch.Clear();
        }
    }

    /// <summary>The events as JSON arrays, each under <see cref="MaxPayloadBytes"/>.</summary>
    internal static string[] Payloads(IReadOnlyList<LiveCallEvent> events)
    {
        var payloads = new List<string>();
        var current = new StringBuilder("[");
        var bytes = 1;
        foreach (var liveEvent in events)
        {
            var json = JsonSerializer.Serialize(liveEvent, LiveCallJson.Options);
            var size = Encoding.UTF8.GetByteCount(json) + 1;
            if (size + 1 > MaxPayloadBytes)
            {
                continue; // cannot happen with the text bounded; never send what PostgreSQL refuses
            }

            if (bytes + size + 1 > MaxPayloadBytes)
            {
                payloads.Add(current.Append(']').ToString());
                current.Clear().Append('[');
                bytes = 1;
            }

            if (bytes > 1)
            {
                current.Append(',');
            }

            current.Append(json);
            bytes += size;
        }

        if (bytes > 1)
        {
            payloads.Add(current.Append(']').ToString());
        }

        return [.. payloads];
    }

    [LoggerMessage(EventId = 1316, EventName = "LIVE_EVENTS_NOT_SENT", Level = LogLevel.Debug, Message = "{Count} live-call events were not sent ({ExceptionType})")]
    private static partial void NotSent(ILogger logger, int count, string exceptionType);
}

/// <summary>How live-call events travel between instances: camelCase, nulls left out.</summary>
internal static class LiveCallJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
