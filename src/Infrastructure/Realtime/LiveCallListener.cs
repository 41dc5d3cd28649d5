using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Features.Calls;
using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EasyMo.Infrastructure.Realtime;

/// <summary>
/// The live view's source (<see cref="ILiveCalls"/>): the list of live calls from the database (every instance's), and
/// their events from <c>LISTEN easymo_live</c> (<see cref="LiveCallBroadcast"/>) on one connection of this instance, open
/// while anyone watches, re-opened after a fault. Each watcher has a bounded queue of its own.
/// </summary>
internal sealed partial class LiveCallListener(
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    IOptions<CallHandlingOptions> calls,
    TimeProvider time,
    ILogger<LiveCallListener> logger) : ILiveCalls, IDisposable
{
    internal static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<Channel<LiveCallEvent>, byte> _watchers = new();
    private readonly Lock _gate = new();
    private CancellationTokenSource? _listening;

    public async Task<IReadOnlyList<LiveCall>> ListAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EasyMoDbContext>();
        var since = time.GetUtcNow() - calls.Value.MaxCallDuration;
        return await db.Database.SqlQuery<LiveCall>(
            $"""
            SELECT call_id, caller, language, accepted_at AS started_at, consent = 'granted' AS consented
            FROM calls
            WHERE status = 'accepted' AND accepted_at > {since}
            ORDER BY accepted_at
            LIMIT 500
            """).ToListAsync(cancellationToken);
    }

    public async IAsyncEnumerable<LiveCallEvent?> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var queue = Channel.CreateBounded<LiveCallEvent>(new BoundedChannelOptions(1_024) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
        _watchers.TryAdd(queue, 0);
        EnsureListening();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                LiveCallEvent? next = null;
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    wait.CancelAfter(Heartbeat);
                    try
                    {
                        next = await queue.Reader.ReadAsync(wait.Token);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        // Nothing for a while: a heartbeat.
                    }
                    catch (OperationCanceledException)
                    {
                        yield break;
                    }
                }

                yield return next;
            }
        }
        finally
        {
            _watchers.TryRemove(queue, out _);
            StopListeningIfNobodyWatches();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _listening?.Cancel();
            _listening?.Dispose();
            _listening = null;
        }
    }

    private void EnsureListening()
    {
        lock (_gate)
        {
            if (_listening is not null)
            {
                return;
            }

            _listening = new CancellationTokenSource();
            var stop = _listening.Token;
            _ = Task.Run(() => ListenAsync(stop), CancellationToken.None);
        }
    }

    private void StopListeningIfNobodyWatches()
    {
        lock (_gate)
        {
            if (_watchers.IsEmpty && _listening is not null)
            {
                _listening.Cancel();
                _listening.Dispose();
                _listening = null;
            }
        }
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(DatabaseConnection.Resolve(configuration));
                connection.Notification += (_, notification) => Deliver(notification.Payload);
                await connection.OpenAsync(stop);
                await using (var command = new NpgsqlCommand($"LISTEN {LiveCallBroadcast.Channel}", connection))
                {
                    await command.ExecuteNonQueryAsync(stop);
                }

                while (!stop.IsCancellationRequested)
                {
                    await connection.WaitAsync(stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                ListenFailed(logger, exception.GetType().Name);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Deliver(string payload)
    {
        LiveCallEvent[]? events;
        try
        {
            events = JsonSerializer.Deserialize<LiveCallEvent[]>(payload, LiveCallJson.Options);
        }
        catch (JsonException)
        {
            return; // not ours
        }

        foreach (var liveEvent in events ?? [])
        {
            foreach (var watcher in _watchers.Keys)
            {
                watcher.Writer.TryWrite(liveEvent);
            }
        }
    }

    [LoggerMessage(EventId = 1317, EventName = "LIVE_LISTEN_FAILED", Level = LogLevel.Warning, Message = "Listening for live-call events failed ({ExceptionType}); listening again in a second")]
    private static partial void ListenFailed(ILogger logger, string exceptionType);
}
