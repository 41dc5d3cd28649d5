using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EasyMo.Testing;

/// <summary>
/// The sideband WebSocket of the fake (<c>GET /v1/realtime?call_id=…</c>, or GPT-Live's <c>/v1/live/sessions/{id}/attach</c>),
/// driven by a script per connection.
/// </summary>
public sealed partial class FakeOpenAi
{
    private readonly ConcurrentQueue<FakeRealtimeSession> _sessions = new();

    /// <summary>What the fake does on each sideband connection. Default: keep it open until the service closes it.</summary>
    public Func<FakeRealtimeSession, Task> RealtimeScript { get; set; } = session => session.ClientClosed;

    /// <summary>False: the socket is refused (404), as for a call that no longer exists.</summary>
    public bool RealtimeAvailable { get; set; } = true;

    public IReadOnlyList<FakeRealtimeSession> RealtimeSessions => _sessions.ToArray();

    public IReadOnlyList<FakeRealtimeSession> SessionsFor(string callId) => RealtimeSessions.Where(s => s.CallId == callId).ToArray();

    /// <summary>Waits until a sideband connection for <paramref name="callId"/> numbered <paramref name="index"/> (from 0) has opened.</summary>
    public async Task<FakeRealtimeSession> WaitForSessionAsync(string callId, int index = 0, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < until)
        {
            var sessions = SessionsFor(callId);
            if (sessions.Count > index)
            {
                return sessions[index];
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"No sideband connection #{index} for {callId}.");
    }

    private void MapRealtime(WebApplication app)
    {
        app.UseWebSockets();
        app.Map("/v1/realtime", context => AttachAsync(context, context.Request.Query["call_id"].ToString(), Realtime));
        app.Map("/v1/live/sessions/{sessionId}/attach", (HttpContext context, string sessionId) => AttachAsync(context, sessionId, Live));
    }

    /// <summary>One sideband connection, on either runtime's URL, run by <see cref="RealtimeScript"/>.</summary>
    private async Task AttachAsync(HttpContext context, string callId, string surface)
    {
        if (!context.WebSockets.IsWebSocketRequest || !RealtimeAvailable)
        {
            context.Response.StatusCode = RealtimeAvailable ? 400 : 404;
            return;
        }

        var socket = await context.WebSockets.AcceptWebSocketAsync();
        var session = new FakeRealtimeSession(socket, callId, context.Request.Headers.Authorization.ToString()) { Surface = surface };
        _sessions.Enqueue(session);
        try
        {
            await RealtimeScript(session);
        }
        finally
        {
            await session.FinishAsync();
        }
    }
}

/// <summary>One sideband connection as the fake sees it: what the service sent, and ways to answer, close or drop it.</summary>
public sealed class FakeRealtimeSession
{
    private readonly WebSocket _socket;
    private readonly ConcurrentQueue<JsonElement> _received = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Task _receiving;

    internal FakeRealtimeSession(WebSocket socket, string callId, string authorization)
    {
        _socket = socket;
        CallId = callId;
        Authorization = authorization;
        _receiving = ReceiveAsync();
    }

    public string CallId { get; }

    public string Authorization { get; }

    /// <summary>The runtime whose sideband URL was attached: <see cref="FakeOpenAi.Realtime"/> or <see cref="FakeOpenAi.Live"/>.</summary>
    public string Surface { get; init; } = FakeOpenAi.Realtime;

    /// <summary>Client events the service sent, in order.</summary>
    public IReadOnlyList<JsonElement> Received => _received.ToArray();

    /// <summary>Completes when the service closes the socket (or it drops).</summary>
    public Task ClientClosed => _receiving;

    public async Task SendAsync(object serverEvent)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(serverEvent);
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Waits for the first client event of <paramref name="type"/> matching <paramref name="match"/> (any, when null).</summary>
    public async Task<JsonElement> WaitForAsync(string type, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < until)
        {
            foreach (var clientEvent in Received)
            {
                if (clientEvent.GetProperty("type").GetString() == type && (match is null || match(clientEvent)))
                {
                    return clientEvent;
                }
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"The service sent no {type} on {CallId}.");
    }

    /// <summary>Ends the call the clean way: a close frame.</summary>
    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "call ended", CancellationToken.None);
        }

        await Task.WhenAny(_receiving, Task.Delay(2000));
    }

    /// <summary>Ends the call as a hang-up does: the connection drops without a close frame.</summary>
    public void Abort() => _socket.Abort();

    internal async Task FinishAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            await CloseAsync();
        }

        _socket.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    _received.Enqueue(JsonDocument.Parse(Encoding.UTF8.GetString(message.ToArray())).RootElement.Clone());
                    message.SetLength(0);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Dropped.
        }
    }
}
