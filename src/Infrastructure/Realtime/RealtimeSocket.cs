using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace EasyMo.Infrastructure.Realtime;

/// <summary>
/// The sideband WebSocket of one call. A single pump reads server events into a channel, so that waiting for the next
/// event with a timeout never cancels (and so aborts) the socket's own receive. The channel completes when the socket
/// closes, with or without a close frame. Only the events the runtime's session reads (<see cref="SidebandProtocol.Reads"/>)
/// are parsed and queued; the rest (audio, transcript deltas it does not use, rate limits…) are recognised by their
/// <c>type</c> with a forward-only reader, without allocating, and dropped — they still count as signs of life
/// (<see cref="LastReceived"/>). Memory per call: one pooled receive buffer, one message buffer as large as the largest
/// message read whole, and the queued events.
/// </summary>
internal sealed class RealtimeSocket : IAsyncDisposable
{
    private const int MaxMessageBytes = 4 * 1024 * 1024;

    /// <summary>Shared by every sideband socket (each upgrade takes a connection of its own; nothing is pooled across calls).</summary>
    private static readonly HttpMessageInvoker Invoker = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    });
    private const int ReceiveBufferBytes = 16 * 1024;
    private const int MaxKeptBufferBytes = 64 * 1024;
    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonDocument> _events = Channel.CreateUnbounded<JsonDocument>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _pumpStop = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly SidebandProtocol? _protocol;
    private readonly CallQualityMeter? _marks;
    private readonly TimeProvider _time;
    private Task _pump = Task.CompletedTask;
    private long _lastReceivedTicks;

    private RealtimeSocket(ClientWebSocket socket, SidebandProtocol? protocol, CallQualityMeter? marks, TimeProvider time)
    {
        _socket = socket;
        _protocol = protocol;
        _marks = marks;
        _time = time;
        _lastReceivedTicks = time.GetUtcNow().UtcTicks;
    }

    /// <summary>When the last message (of any type, read or dropped) arrived, or the socket opened.</summary>
    public DateTimeOffset LastReceived => new(Interlocked.Read(ref _lastReceivedTicks), TimeSpan.Zero);

    /// <summary>Whether the server closed with a close frame (a normal end) rather than dropping the connection.</summary>
    public bool ClosedCleanly { get; private set; }

    public ChannelReader<JsonDocument> Events => _events.Reader;

    /// <summary>
    /// Opens the socket; <paramref name="protocol"/> says which events are read (null: every event) and which are marks,
    /// reported to <paramref name="marks"/> as they arrive.
    /// </summary>
    public static async Task<RealtimeSocket> ConnectAsync(
        Uri url,
        string apiKey,
        string? projectId,
        string? organizationId,
        SidebandProtocol? protocol,
        CallQualityMeter? marks,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {apiKey}");
        if (!string.IsNullOrWhiteSpace(projectId))
        {
            socket.Options.SetRequestHeader("OpenAI-Project", projectId);
        }

        if (!string.IsNullOrWhiteSpace(organizationId))
        {
            socket.Options.SetRequestHeader("OpenAI-Organization", organizationId);
        }

        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
        try
        {
            // One handler for every call's socket: without it each ClientWebSocket builds (and throws away) a handler of
            // its own, the larger part of a socket's cost when calls come by the hundred.
            await socket.ConnectAsync(url, Invoker, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var realtime = new RealtimeSocket(socket, protocol, marks, time);
        realtime._pump = realtime.PumpAsync();
        return realtime;
    }

    public async Task SendAsync(object clientEvent, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(clientEvent);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _pumpStop.CancelAsync();
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Closing is a courtesy; the call is over for us either way.
            }
        }

        _socket.Abort();
        try
        {
            await _pump;
        }
        catch (OperationCanceledException)
        {
        }

        _socket.Dispose();
        _pumpStop.Dispose();
        _sendLock.Dispose();
    }

    private async Task PumpAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
        var message = new ArrayBufferWriter<byte>(ReceiveBufferBytes);
        var dropping = false;
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), _pumpStop.Token);
                Interlocked.Exchange(ref _lastReceivedTicks, _time.GetUtcNow().UtcTicks);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ClosedCleanly = true;
                    return;
                }

                if (dropping)
                {
                    // The rest of a message whose type no session reads (audio, mostly): not even copied.
                    dropping = !result.EndOfMessage;
                    continue;
                }

                message.Write(buffer.AsSpan(0, result.Count));
                if (message.WrittenCount > MaxMessageBytes)
                {
                    return;
                }

                if (!result.EndOfMessage)
                {
                    // A long message whose type its first part already tells, and that nobody parses, is let go at once.
                    if (_protocol is not null && message.WrittenCount == result.Count
                        && TypeOf(message.WrittenSpan, complete: false) is { IsEmpty: false } type && !_protocol.Reads(type))
                    {
                        Marked(type);
                        dropping = true;
                        message.ResetWrittenCount();
                    }

                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text && Wanted(message.WrittenSpan) && TryParse(message.WrittenMemory, out var document))
                {
                    await _events.Writer.WriteAsync(document, _pumpStop.Token);
                }

                message.ResetWrittenCount();
                if (message.Capacity > MaxKeptBufferBytes)
                {
                    // One large message read whole does not keep its buffer for the rest of the call.
                    message = new ArrayBufferWriter<byte>(ReceiveBufferBytes);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // A caller hanging up drops the socket without a close frame: that is the normal end of a call.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _events.Writer.TryComplete();
        }
    }

    /// <summary>
    /// Whether the session reads an event of this message's <c>type</c> (a malformed message is not wanted); one it does not
    /// read may still be a mark, reported here.
    /// </summary>
    private bool Wanted(ReadOnlySpan<byte> utf8)
    {
        if (_protocol is null)
        {
            return true;
        }

        var type = TypeOf(utf8);
        if (type.IsEmpty)
        {
            return false;
        }

        if (_protocol.Reads(type))
        {
            return true;
        }

        Marked(type);
        return false;
    }

    /// <summary>Reports a message that matters only by when it came (<see cref="SidebandProtocol.MarkOf"/>).</summary>
    private void Marked(ReadOnlySpan<byte> type)
    {
        if (_marks is not null && _protocol is not null && _protocol.MarkOf(type) is var mark and not SidebandMark.None)
        {
            _marks.Mark(mark, _time.GetTimestamp());
        }
    }

    /// <summary>
    /// The top-level <c>type</c> of an event, read forward-only and unescaped (empty: none, or not readable so); of the first
    /// part of a message when not <paramref name="complete"/> (empty: not in that part).
    /// </summary>
    internal static ReadOnlySpan<byte> TypeOf(ReadOnlySpan<byte> utf8, bool complete = true)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8, isFinalBlock: complete, state: default);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                if (!reader.Read())
                {
                    return default;
                }

                if (isType)
                {
                    return reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped ? reader.ValueSpan : default;
                }

                if (!reader.TrySkip())
                {
                    return default; // the value goes on past what has arrived
                }
            }
        }
        catch (JsonException)
        {
            // Malformed: not an event anyone reads.
        }

        return default;
    }

    private static bool TryParse(ReadOnlyMemory<byte> utf8, out JsonDocument document)
    {
        try
        {
            // A copy: JsonDocument keeps the memory it parses, and the pump reuses its buffer for the next message.
            document = JsonDocument.Parse(utf8.ToArray());
            return true;
        }
        catch (JsonException)
        {
            document = null!;
            return false;
        }
    }

    internal static string Describe(Exception exception) => exception switch
    {
        WebSocketException socket => $"websocket {socket.WebSocketErrorCode}",
        HttpRequestException http => $"http {http.HttpRequestError}",
        _ => exception.GetType().Name,
    };

    internal static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;

    internal static readonly Encoding Utf8 = new UTF8Encoding(false);
}
