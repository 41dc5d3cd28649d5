using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;

namespace EasyMo.Sandbox;

/// <summary>
/// One sideband socket played like a real call: <c>session.created</c>, <c>session.updated</c> for every
/// <c>session.update</c>, the agent's greeting once the service asks for it (<c>response.create</c>), then the scripted
/// turns — caller speech as <c>conversation.item.input_audio_transcription.completed</c>, agent speech as
/// <c>response.output_audio_transcript.done</c> + <c>response.done</c>, tools as
/// <c>response.function_call_arguments.done</c> — and finally the caller hanging up: the socket closes.
/// A hang-up, refer or end of the call by the service closes it as well.
/// With <c>live</c>, the same conversation in GPT-Live's sideband events: the greeting once the service sends
/// <c>session.instructions.append</c>, speech as <c>session.input_transcript.delta</c> / <c>session.output_transcript.delta</c>,
/// tools from the Responses backend (<c>session.delegation.created</c>, then <c>response.event</c> with a finished
/// <c>function_call</c>, answered by <c>response.item.create</c> + <c>response.create</c>), and the caller's hang-up as
/// <c>session.closed</c> with the voice seconds. An outbound Live session that still rings is first dialled (see
/// <see cref="DialAsync"/>); once answered it plays like an accepted call.
/// </summary>
internal sealed class RealtimeScript(SandboxCall call, WebSocket socket, SandboxOptions options, ILogger logger, bool live = false)
{
    private long _clockMs;
    private readonly Channel<JsonElement> _received = Channel.CreateUnbounded<JsonElement>();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private int _ids;
    private CancellationToken _connectionGone;

    public async Task RunAsync(CancellationToken requestAborted)
    {
        _connectionGone = requestAborted;
        using var lifetime = call.Attach(requestAborted);
        var token = lifetime.Token;

        // Reading has its own token: cancelling a receive aborts the socket, and the close frame must get out first.
        using var stopReceiving = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        var receiving = ReceiveAsync(stopReceiving.Token);
        try
        {
            logger.LogInformation("sideband socket of {CallId} opened", call.Id);
            if (live && call.Ringing && !await DialAsync(token))
            {
                await CloseAsync("call ended");
                return;
            }

            if (live)
            {
                await SendAsync(new { type = "session.started", event_id = EventId(), session = new { id = call.Id, status = "active", model = call.Model } }, token);
            }
            else
            {
                await SendAsync(new
                {
                    type = "session.created",
                    event_id = EventId(),
                    session = new { type = "realtime", @object = "realtime.session", id = $"sess_{call.Id}", model = call.Model, instructions = call.Instructions },
                }, token);
            }

            var greeting = await WaitForAsync(live ? "session.instructions.append" : "response.create", options.GreetingWait, token);
            var language = Scripts.LanguageOf(live
                ? (greeting is { } append ? SandboxServer.Text(append, "content") : call.Instructions)
                : greeting is { } create && create.TryGetProperty("response", out var response)
                    ? SandboxServer.Text(response, "instructions")
                    : call.Instructions);
            var steps = Scripts.For(language);

            // A takeover (a second socket, no greeting asked) picks the conversation up after the greeting.
            foreach (var step in greeting is null ? steps.Skip(1) : steps)
            {
                await PlayAsync(step, token);
                await Task.Delay(options.TurnDelay, token);
            }

            // The caller hangs up: OpenAI closes the socket (GPT-Live says so first, with the voice seconds used).
            if (live)
            {
                await SendAsync(new { type = "session.closed", event_id = EventId(), reason = "remote_hangup", usage = new { seconds = _clockMs / 1000.0 }, session = new { id = call.Id } }, token);
            }

            call.Over("ended");
            logger.LogInformation("call {CallId}: script done, caller hung up", call.Id);

            await CloseAsync("call ended");
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Hung up, referred or dropped by the service.
            logger.LogInformation("call {CallId}: socket closed ({Status})", call.Id, call.Status);
            await CloseAsync("call ended");
        }
        catch (WebSocketException)
        {
            // The service dropped the socket.
        }
        finally
        {
            call.Detach(lifetime);

            // After our close frame, give the client a moment to answer with its own (a clean handshake), then stop.
            await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None));
            await stopReceiving.CancelAsync();
            await receiving;
        }
    }

    /// <summary>
    /// An outbound session's call leg, told only to the sideband as GPT-Live tells it: <c>transport.ringing</c>, then after
    /// <see cref="SandboxOptions.RingTime"/> <c>transport.answered</c> (true: the conversation follows as on an accepted
    /// call), or, for a destination ending in <see cref="SandboxOptions.UnansweredDigit"/>, <c>transport.failed</c>
    /// (<c>no_answer</c>) and <c>session.closed</c> (false). False as well when the service hung up in the meantime.
    /// </summary>
    private async Task<bool> DialAsync(CancellationToken token)
    {
        await SendAsync(new { type = "transport.ringing", event_id = EventId(), session_id = call.Id }, token);
        await Task.Delay(options.RingTime, token);

        if (call.Destination?.EndsWith(options.UnansweredDigit) == true)
        {
            await SendAsync(new
            {
                type = "transport.failed",
                event_id = EventId(),
                session_id = call.Id,
                error = new { code = "no_answer", message = "The callee did not answer.", type = "call_error" },
            }, token);
            await SendAsync(new { type = "session.closed", event_id = EventId(), reason = "transport_failed" }, token);

            // Only now: marking the call over cancels this socket's token, and the events above had to get out first.
            call.Over("no_answer");
            logger.LogInformation("session {CallId}: not answered", call.Id);
            return false;
        }

        if (!call.Answered())
        {
            return false;
        }

        await SendAsync(new { type = "transport.answered", event_id = EventId(), session_id = call.Id }, token);
        logger.LogInformation("session {CallId}: answered", call.Id);
        return true;
    }

    private async Task PlayAsync(ScriptStep step, CancellationToken token)
    {
        if (live)
        {
            await PlayLiveAsync(step, token);
            return;
        }

        switch (step)
        {
            case CallerSays caller:
                var item = $"item_caller_{Next()}";
                await SendAsync(new { type = "input_audio_buffer.speech_started", event_id = EventId(), audio_start_ms = 0, item_id = item }, token);
                await SendAsync(new { type = "input_audio_buffer.speech_stopped", event_id = EventId(), audio_end_ms = 1200, item_id = item }, token);
                await SendAsync(new { type = "input_audio_buffer.committed", event_id = EventId(), previous_item_id = (string?)null, item_id = item }, token);
                await SendAsync(new
                {
                    type = "conversation.item.input_audio_transcription.completed",
                    event_id = EventId(),
                    item_id = item,
                    content_index = 0,
                    transcript = caller.Text,
                }, token);
                call.Said("caller", caller.Text);
                break;

            case AgentSays agent:
                var responseId = $"resp_{Next()}";
                var itemId = $"item_agent_{Next()}";
                await SendAsync(new { type = "response.created", event_id = EventId(), response = new { id = responseId, @object = "realtime.response", status = "in_progress", output = Array.Empty<object>() } }, token);
                await SendAsync(new
                {
                    type = "response.output_audio_transcript.done",
                    event_id = EventId(),
                    response_id = responseId,
                    item_id = itemId,
                    output_index = 0,
                    content_index = 0,
                    transcript = agent.Text,
                }, token);
                await SendAsync(new
                {
                    type = "response.done",
                    event_id = EventId(),
                    response = new
                    {
                        id = responseId,
                        @object = "realtime.response",
                        status = "completed",
                        output = new[]
                        {
                            new { id = itemId, type = "message", role = "assistant", status = "completed", content = new[] { new { type = "output_audio", transcript = agent.Text } } },
                        },
                    },
                }, token);
                call.Said("agent", agent.Text);
                break;

            case AgentCallsTool tool:
                var toolResponse = $"resp_{Next()}";
                var callId = $"call_{Next()}";
                await SendAsync(new
                {
                    type = "response.function_call_arguments.done",
                    event_id = EventId(),
                    response_id = toolResponse,
                    item_id = $"item_tool_{Next()}",
                    output_index = 0,
                    call_id = callId,
                    name = tool.Name,
                    arguments = tool.Arguments,
                }, token);
                await SendAsync(new { type = "response.done", event_id = EventId(), response = new { id = toolResponse, @object = "realtime.response", status = "completed" } }, token);
                call.Said("tool", $"{tool.Name} {tool.Arguments}");

                // The service answers with the function's output and asks for the next response.
                await WaitForAsync("response.create", options.ToolWait, token);
                break;
        }
    }

    private async Task PlayLiveAsync(ScriptStep step, CancellationToken token)
    {
        switch (step)
        {
            case CallerSays caller:
                await SpeakAsync("session.input_transcript.delta", caller.Text, token);
                call.Said("caller", caller.Text);
                break;

            case AgentSays agent:
                await SpeakAsync("session.output_transcript.delta", agent.Text, token);
                call.Said("agent", agent.Text);
                break;

            case AgentCallsTool tool:
                var delegation = $"del_{Next()}";
                var responseId = $"resp_{Next()}";
                await SendAsync(new { type = "session.delegation.created", event_id = EventId(), offset_ms = _clockMs, delegation = new { id = delegation, type = "delegation", target = "responses", response_id = responseId } }, token);
                await SendAsync(new
                {
                    type = "response.event",
                    event_id = EventId(),
                    @event = new
                    {
                        type = "response.output_item.done",
                        response_id = responseId,
                        output_index = 0,
                        item = new { id = $"fc_{Next()}", type = "function_call", status = "completed", call_id = $"call_{Next()}", name = tool.Name, arguments = tool.Arguments },
                    },
                }, token);
                call.Said("tool", $"{tool.Name} {tool.Arguments}");

                // The service answers with the function's output (response.item.create) and lets the backend go on.
                await WaitForAsync("response.create", options.ToolWait, token);
                break;
        }
    }

    /// <summary>A turn as GPT-Live streams it: word by word, with its place on the session's clock.</summary>
    private async Task SpeakAsync(string type, string text, CancellationToken token)
    {
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var start = _clockMs;
            _clockMs += 300;
            await SendAsync(new { type, event_id = EventId(), delta = word + " ", start_ms = start, end_ms = _clockMs }, token);
        }

        _clockMs += 700;
    }

    /// <summary>The next client event of <paramref name="type"/> within <paramref name="timeout"/>; null when none came.</summary>
    private async Task<JsonElement?> WaitForAsync(string type, TimeSpan timeout, CancellationToken token)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(token);
        wait.CancelAfter(timeout);
        try
        {
            while (await _received.Reader.WaitToReadAsync(wait.Token))
            {
                while (_received.Reader.TryRead(out var clientEvent))
                {
                    if (SandboxServer.Text(clientEvent, "type") == type)
                    {
                        return clientEvent;
                    }
                }
            }

            return null; // the service closed the socket
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task ReceiveAsync(CancellationToken token)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                JsonElement clientEvent;
                try
                {
                    clientEvent = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
                }
                catch (JsonException)
                {
                    await SendAsync(new { type = "error", event_id = EventId(), error = new { type = "invalid_request_error", code = "invalid_json", message = "The message is not JSON." } }, token);
                    continue;
                }
                finally
                {
                    message.SetLength(0);
                }

                var type = SandboxServer.Text(clientEvent, "type");
                call.ClientSent(type);
                if (type == "session.update")
                {
                    var session = clientEvent.TryGetProperty("session", out var requested) ? requested : default;
                    await SendAsync(new { type = "session.updated", event_id = EventId(), session }, token);
                }

                await _received.Writer.WriteAsync(clientEvent, token);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed or dropped.
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }

    private async Task SendAsync(object serverEvent, CancellationToken token)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(serverEvent);
        await _sendLock.WaitAsync(token);
        try
        {
            // Cancelling a send halfway aborts the socket, and then the close frame of a hang-up cannot get out (the
            // service sees a dropped connection): a frame once begun is finished, unless the connection itself is gone.
            token.ThrowIfCancellationRequested();
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, _connectionGone);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task CloseAsync(string reason)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, timeout.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Already gone.
            }
        }
    }

    private int Next() => Interlocked.Increment(ref _ids);

    private string EventId() => $"event_{Next()}";
}
