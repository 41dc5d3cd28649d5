using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace EasyMo.Infrastructure.Realtime;

/// <summary>
/// The sideband WebSocket of one call. A single pump reads server events into a channel, so that waiting for the next
/// event with a timeout never cancels (and so aborts) the socket's own receive. The channel completes when the socket
/// closes, with or without a close frame.
/// </summary>
internal sealed class RealtimeSocket : IAsyncDisposable
{
    private const int MaxMessageBytes = 4 * 1024 * 1024;
    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonDocument> _events = Channel.CreateUnbounded<JsonDocument>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _pumpStop = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task _pump = Task.CompletedTask;

    private RealtimeSocket(ClientWebSocket socket) => _socket = socket;

    /// <summary>Whether the server closed with a close frame (a normal end) rather than dropping the connection.</summary>
    public bool ClosedCleanly { get; private set; }

    public ChannelReader<JsonDocument> Events => _events.Reader;

    public static async Task<RealtimeSocket> ConnectAsync(Uri url, string apiKey, string? projectId, string? organizationId, CancellationToken cancellationToken)
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
            await socket.ConnectAsync(url, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var realtime = new RealtimeSocket(socket);
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
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var message = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), _pumpStop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ClosedCleanly = true;
                    return;
                }

                message.Write(buffer.AsSpan(0, result.Count));
                if (message.WrittenCount > MaxMessageBytes)
                {
                    return;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text && TryParse(message.WrittenMemory, out var document))
                {
                    await _events.Writer.WriteAsync(document, _pumpStop.Token);
                }

                message.ResetWrittenCount();
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
