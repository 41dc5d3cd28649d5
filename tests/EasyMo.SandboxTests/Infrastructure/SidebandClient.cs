using System.Net.WebSockets;
using System.Text;

namespace EasyMo.SandboxTests.Infrastructure;

/// <summary>Speaks on a sideband socket the way the service does: sends client events, reads server events until the close.</summary>
public sealed class SidebandClient(ClientWebSocket socket)
{
    public async Task SendAsync(object clientEvent) =>
        await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(clientEvent), WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);

    /// <summary>The next server event; null once the server has closed the socket.</summary>
    public async Task<JsonElement?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        wait.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, wait.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", TestContext.Current.CancellationToken);
                }

                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(Encoding.UTF8.GetString(message.ToArray())).RootElement.Clone();
            }
        }
    }

    /// <summary>Reads events until the server closes, answering tool calls as the service does; returns them in order.</summary>
    public async Task<IReadOnlyList<JsonElement>> ReadToEndAsync()
    {
        var events = new List<JsonElement>();
        while (await ReceiveAsync() is { } serverEvent)
        {
            events.Add(serverEvent);
            if (serverEvent.GetProperty("type").GetString() == "response.function_call_arguments.done")
            {
                await SendAsync(new
                {
                    type = "conversation.item.create",
                    item = new { type = "function_call_output", call_id = serverEvent.GetProperty("call_id").GetString(), output = """{"ok":true}""" },
                });
                await SendAsync(new { type = "response.create" });
            }
        }

        return events;
    }
}
