using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace EasyMo.Bench;

/// <summary>
/// What each sideband socket plays (<c>fake-openai</c> options): a call of <see cref="CallDuration"/> from the moment the
/// socket opens, one turn of speech every <see cref="TurnInterval"/>.
/// </summary>
public sealed record RealtimeScenario(TimeSpan CallDuration, TimeSpan TurnInterval, TimeSpan AnswerTimeout, bool FullEvents)
{
    public static RealtimeScenario From(BenchArgs args)
    {
        var scenario = new RealtimeScenario(
            args.Seconds("call-seconds", 5),
            args.Seconds("turn-interval", 1),
            args.Seconds("answer-timeout", 10),
            (args.Get("events") ?? "full") switch
            {
                "full" => true,
                "lean" => false,
                _ => throw new ArgumentException("--events is full or lean"),
            });
        return scenario.TurnInterval <= TimeSpan.Zero || scenario.CallDuration <= TimeSpan.Zero
            ? throw new ArgumentException("--call-seconds and --turn-interval must be positive")
            : scenario;
    }

    /// <summary>Turns after the consent exchange: one at each whole interval from the socket's opening, before the end.</summary>
    public int TurnsAfterConsent => Math.Max(0, (int)Math.Ceiling(CallDuration / TurnInterval) - 1);

    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"calls of {CallDuration.TotalSeconds:0.###} s, a turn every {TurnInterval.TotalSeconds:0.###} s ({3 + TurnsAfterConsent} transcripts and 1 tool call per call), {(FullEvents ? "full" : "lean")} event stream");
}

/// <summary>Counters of the fake's sideband sockets, for <c>/stats</c>.</summary>
public sealed class RealtimeStats
{
    /// <summary>The resolution of <see cref="TranscriptsSentBetween"/>: 100 ms, in microseconds.</summary>
    public const long SlotMicroseconds = 100_000;

    /// <summary>2^17 slots of 100 ms: 3.6 hours of sends, by the send time written into each transcript's item id.</summary>
    private const int Slots = 1 << 17;

    private readonly long[] _sentInSlot = new long[Slots];
    private readonly long[] _slotOf = new long[Slots];

    public long Opened;
    public long Closed;
    public long EndedByFake;
    public long EndedByService;
    public long TranscriptsSent;
    public long EventsSent;
    public long ToolCallsSent;
    public long ClientEvents;
    public long Greetings;
    public long GreetingTimeouts;
    public long ToolOutputs;
    public long ToolOutputTimeouts;
    public long Failures;

    /// <summary>Counts a transcript sent at <paramref name="sentAtMicroseconds"/> (Unix time), in its 100 ms slot.</summary>
    public void TranscriptSent(long sentAtMicroseconds)
    {
        Interlocked.Increment(ref TranscriptsSent);
        var slot = sentAtMicroseconds / SlotMicroseconds;
        var index = (int)(slot % Slots);
        if (Volatile.Read(ref _slotOf[index]) != slot)
        {
            lock (_slotOf)
            {
                if (_slotOf[index] != slot)
                {
                    // A slot 3.6 hours old is reused.
                    Volatile.Write(ref _sentInSlot[index], 0);
                    Volatile.Write(ref _slotOf[index], slot);
                }
            }
        }

        Interlocked.Increment(ref _sentInSlot[index]);
    }

    /// <summary>
    /// Transcripts whose send time falls in the 100 ms slots from <paramref name="fromSlot"/> (included) to
    /// <paramref name="untilSlot"/> (excluded): the load generator compares them with the rows stored for the same sends.
    /// </summary>
    public long TranscriptsSentBetween(long fromSlot, long untilSlot)
    {
        long sum = 0;
        for (var slot = Math.Max(fromSlot, untilSlot - Slots + 1); slot < untilSlot; slot++)
        {
            var index = (int)(slot % Slots);
            if (Volatile.Read(ref _slotOf[index]) == slot)
            {
                sum += Interlocked.Read(ref _sentInSlot[index]);
            }
        }

        return sum;
    }

    public string ToJsonFields() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"\"sockets_opened\":{Interlocked.Read(ref Opened)},\"sockets_closed\":{Interlocked.Read(ref Closed)},\"sockets_open\":{Interlocked.Read(ref Opened) - Interlocked.Read(ref Closed)},"
        + $"\"sockets_ended_by_fake\":{Interlocked.Read(ref EndedByFake)},\"sockets_ended_by_service\":{Interlocked.Read(ref EndedByService)},\"socket_failures\":{Interlocked.Read(ref Failures)},"
        + $"\"server_events_sent\":{Interlocked.Read(ref EventsSent)},\"transcripts_sent\":{Interlocked.Read(ref TranscriptsSent)},\"tool_calls_sent\":{Interlocked.Read(ref ToolCallsSent)},"
        + $"\"client_events\":{Interlocked.Read(ref ClientEvents)},\"greetings_received\":{Interlocked.Read(ref Greetings)},\"greeting_timeouts\":{Interlocked.Read(ref GreetingTimeouts)},"
        + $"\"tool_outputs_received\":{Interlocked.Read(ref ToolOutputs)},\"tool_output_timeouts\":{Interlocked.Read(ref ToolOutputTimeouts)}");
}

/// <summary>
/// One sideband socket (<c>GET /v1/realtime?call_id=…</c>) played as OpenAI plays a call to the service's monitor:
/// <c>session.created</c>; the service's greeting (<c>response.create</c>) awaited; the agent's greeting asking consent,
/// the caller's "yes" and a <c>record_consent</c> call <c>{"granted":true}</c>, back to back, and the service's function
/// output awaited; then a finished turn every <see cref="RealtimeScenario.TurnInterval"/>, agent and caller in turn, each
/// with its own item id; at <see cref="RealtimeScenario.CallDuration"/> after the opening, a normal close frame (OpenAI
/// closes the socket when the call ends). The event shapes are those the service's <c>RealtimeSideband</c> reads and the
/// project's sandbox plays (<c>sandbox/EasyMo.Sandbox/RealtimeScript.cs</c>): with <c>--events full</c> (the default) a caller
/// turn is <c>input_audio_buffer.speech_started</c>, <c>.speech_stopped</c>, <c>.committed</c> and
/// <c>conversation.item.input_audio_transcription.completed</c>, an agent turn <c>response.created</c>,
/// <c>response.output_audio_transcript.done</c> and <c>response.done</c>; with <c>--events lean</c> only the finished
/// transcripts, the tool call and <c>response.done</c>.
/// </summary>
/// <remarks>
/// The consent exchange comes at once after the greeting, not a turn later: the service holds the turns spoken before the
/// caller's answer in memory and stores them when the answer comes (docs/privacy.md), so a later answer would put the
/// designed hold, not the storage, into the event-to-stored lag. Per socket: a 1 KiB receive buffer and a 2 KiB send
/// buffer, events written from pre-encoded parts; client events are only classified by their type, never parsed.
/// </remarks>
public sealed class FakeRealtimeSocket
{
    private const int SendBufferBytes = 2048;
    private const int ReceiveBufferBytes = 1024;

    private static long _sockets;

    private static readonly byte[][] AgentLines = Encode(
        "Murakoze. Nagufasha iki uyu munsi?",
        "Yego. Uri he, kandi ujya he?",
        "Sawa. Taxi ivuye i Kimironko ijya mu mujyi, ubu. Ni byo?",
        "Byakozwe. Umushoferi arakuvugisha kuri WhatsApp vuba.",
        "Hari ikindi nagufasha?",
        "Murakoze, murabeho!");

    private static readonly byte[][] CallerLines = Encode(
        "Muraho, ndashaka taxi.",
        "Ndi i Kimironko, njya mu mujyi.",
        "Yego, ni byo. Murakoze.",
        "Ese izahagera ryari?",
        "Oya, ni ibyo gusa.");

    private static readonly byte[] Greeting = Text(
        "Muraho, ndi umufasha wa EasyMO ukoresha ubwenge bw'ubukorano. Twakwemera kubika iki kiganiro kugira ngo tukorere neza? Vuga yego cyangwa oya.");

    private static readonly byte[] Yes = Text("Yego.");

    // §S: the socket's number, §E: the event's number on the socket, §T: the turn's number, §U: when the turn was sent (Unix
    // time in microseconds, 16 digits: the load generator reads it back from the stored item id to measure the lag from
    // the event to its row's commit), §X: the spoken text (JSON-escaped).
    private static readonly Template SessionCreated = new(
        """{"type":"session.created","event_id":"evt_§S_§E","session":{"type":"realtime","object":"realtime.session","id":"sess_§S","model":"gpt-realtime","output_modalities":["audio"],"audio":{"input":{"format":{"type":"audio/pcmu"},"transcription":{"model":"gpt-4o-mini-transcribe"},"turn_detection":{"type":"server_vad"}},"output":{"format":{"type":"audio/pcmu"},"voice":"alloy"}}}}""");

    private static readonly Template SpeechStarted = new("""{"type":"input_audio_buffer.speech_started","event_id":"evt_§S_§E","audio_start_ms":0,"item_id":"item_§S_§T_§U"}""");
    private static readonly Template SpeechStopped = new("""{"type":"input_audio_buffer.speech_stopped","event_id":"evt_§S_§E","audio_end_ms":1200,"item_id":"item_§S_§T_§U"}""");
    private static readonly Template Committed = new("""{"type":"input_audio_buffer.committed","event_id":"evt_§S_§E","previous_item_id":null,"item_id":"item_§S_§T_§U"}""");

    private static readonly Template CallerTranscript = new(
        """{"type":"conversation.item.input_audio_transcription.completed","event_id":"evt_§S_§E","item_id":"item_§S_§T_§U","content_index":0,"transcript":"§X"}""");

    private static readonly Template ResponseCreated = new(
        """{"type":"response.created","event_id":"evt_§S_§E","response":{"id":"resp_§S_§T","object":"realtime.response","status":"in_progress","output":[]}}""");

    private static readonly Template AgentTranscript = new(
        """{"type":"response.output_audio_transcript.done","event_id":"evt_§S_§E","response_id":"resp_§S_§T","item_id":"item_§S_§T_§U","output_index":0,"content_index":0,"transcript":"§X"}""");

    private static readonly Template ResponseDone = new(
        """{"type":"response.done","event_id":"evt_§S_§E","response":{"id":"resp_§S_§T","object":"realtime.response","status":"completed","output":[{"id":"item_§S_§T_§U","type":"message","role":"assistant","status":"completed","content":[{"type":"output_audio","transcript":"§X"}]}]}}""");

    private static readonly Template ToolResponseDone = new(
        """{"type":"response.done","event_id":"evt_§S_§E","response":{"id":"resp_§S_§T","object":"realtime.response","status":"completed"}}""");

    private static readonly Template ConsentCall = new(
        """{"type":"response.function_call_arguments.done","event_id":"evt_§S_§E","response_id":"resp_§S_§T","item_id":"item_§S_§T_§U","output_index":0,"call_id":"call_§S_§T","name":"record_consent","arguments":"{\"granted\":true}"}""");

    /// <summary>
    /// The function call as a finished output item, which OpenAI sends after its arguments: the service reads the call
    /// from <c>response.function_call_arguments.done</c>, OpenAI's Agents SDK (<c>bench/openai-example</c>) from this.
    /// </summary>
    private static readonly Template ConsentItemDone = new(
        """{"type":"response.output_item.done","event_id":"evt_§S_§E","response_id":"resp_§S_§T","output_index":0,"item":{"id":"item_§S_§T_§U","type":"function_call","status":"completed","name":"record_consent","call_id":"call_§S_§T","arguments":"{\"granted\":true}"}}""");

    private static readonly byte[] ResponseCreateType = "response.create"u8.ToArray();
    private static readonly byte[] ItemCreateType = "conversation.item.create"u8.ToArray();
    private static readonly byte[] TypeMarker = "\"type\":\""u8.ToArray();

    private readonly WebSocket _socket;
    private readonly RealtimeScenario _scenario;
    private readonly RealtimeStats _stats;
    private readonly long _number = Interlocked.Increment(ref _sockets);
    private readonly byte[] _send = new byte[SendBufferBytes];
    private readonly TaskCompletionSource _greeted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _toolAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _events;
    private long _turnSentAt;
    private volatile bool _serviceClosed;

    private FakeRealtimeSocket(WebSocket socket, RealtimeScenario scenario, RealtimeStats stats)
    {
        _socket = socket;
        _scenario = scenario;
        _stats = stats;
    }

    public static async Task RunAsync(WebSocket socket, RealtimeScenario scenario, RealtimeStats stats, CancellationToken stop)
    {
        Interlocked.Increment(ref stats.Opened);
        try
        {
            await new FakeRealtimeSocket(socket, scenario, stats).PlayAsync(stop);
        }
        finally
        {
            Interlocked.Increment(ref stats.Closed);
            socket.Dispose();
        }
    }

    private async Task PlayAsync(CancellationToken stop)
    {
        var opened = Stopwatch.GetTimestamp();
        var receiving = ReceiveAsync();
        var endedByService = true;
        try
        {
            await SendAsync(SessionCreated, 0, [], stop);
            if (!await WaitAsync(_greeted.Task, receiving, stop))
            {
                Interlocked.Increment(ref _stats.GreetingTimeouts);
            }

            // Turn 0: the greeting asking consent, the caller's yes, the agent's record_consent; the function output awaited.
            if (!await AgentSaysAsync(0, Greeting, stop) || !await CallerSaysAsync(1, Yes, stop) || !await ConsentAsync(2, stop))
            {
                return;
            }

            if (!await WaitAsync(_toolAnswered.Task, receiving, stop))
            {
                Interlocked.Increment(ref _stats.ToolOutputTimeouts);
            }

            for (var turn = 1; turn <= _scenario.TurnsAfterConsent; turn++)
            {
                await DelayUntilAsync(opened, _scenario.TurnInterval * turn, receiving, stop);
                var spoken = turn % 2 == 1
                    ? await AgentSaysAsync(2 + turn, AgentLines[(turn / 2) % AgentLines.Length], stop)
                    : await CallerSaysAsync(2 + turn, CallerLines[(turn / 2 - 1) % CallerLines.Length], stop);
                if (!spoken)
                {
                    return;
                }
            }

            await DelayUntilAsync(opened, _scenario.CallDuration, receiving, stop);
            if (_serviceClosed || receiving.IsCompleted)
            {
                return;
            }

            // The call ends: OpenAI closes the socket with a close frame.
            endedByService = false;
            using var closing = CancellationTokenSource.CreateLinkedTokenSource(stop);
            closing.CancelAfter(TimeSpan.FromSeconds(5));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "call ended", closing.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or ObjectDisposedException)
        {
            // The service dropped the socket.
        }
        catch (OperationCanceledException)
        {
            // The fake is stopping.
            endedByService = false;
            _socket.Abort();
        }
        finally
        {
            if (endedByService)
            {
                Interlocked.Increment(ref _stats.EndedByService);
            }
            else
            {
                Interlocked.Increment(ref _stats.EndedByFake);
            }

            // The service answers the close frame (or drops the connection): then the socket is done.
            await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
            if (!receiving.IsCompleted)
            {
                _socket.Abort();
                await receiving;
            }
        }
    }

    private async Task<bool> AgentSaysAsync(int turn, byte[] text, CancellationToken stop)
    {
        if (_serviceClosed)
        {
            return false;
        }

        _turnSentAt = UnixMicroseconds();
        if (_scenario.FullEvents)
        {
            await SendAsync(ResponseCreated, turn, text, stop);
        }

        await SendAsync(AgentTranscript, turn, text, stop);
        _stats.TranscriptSent(_turnSentAt);
        await SendAsync(ResponseDone, turn, text, stop);
        return true;
    }

    private async Task<bool> CallerSaysAsync(int turn, byte[] text, CancellationToken stop)
    {
        if (_serviceClosed)
        {
            return false;
        }

        _turnSentAt = UnixMicroseconds();
        if (_scenario.FullEvents)
        {
            await SendAsync(SpeechStarted, turn, text, stop);
            await SendAsync(SpeechStopped, turn, text, stop);
            await SendAsync(Committed, turn, text, stop);
        }

        await SendAsync(CallerTranscript, turn, text, stop);
        _stats.TranscriptSent(_turnSentAt);
        return true;
    }

    private async Task<bool> ConsentAsync(int turn, CancellationToken stop)
    {
        if (_serviceClosed)
        {
            return false;
        }

        _turnSentAt = UnixMicroseconds();
        await SendAsync(ConsentCall, turn, [], stop);
        await SendAsync(ConsentItemDone, turn, [], stop);
        Interlocked.Increment(ref _stats.ToolCallsSent);
        await SendAsync(ToolResponseDone, turn, [], stop);
        return true;
    }

    private async ValueTask SendAsync(Template template, int turn, byte[] text, CancellationToken stop)
    {
        var length = template.Write(_send, _number, ++_events, turn, _turnSentAt, text);
        await _socket.SendAsync(_send.AsMemory(0, length), WebSocketMessageType.Text, endOfMessage: true, stop);
        Interlocked.Increment(ref _stats.EventsSent);
    }

    /// <summary>Waits for what the service should send; false when it did not come in time (or the socket ended first).</summary>
    private async Task<bool> WaitAsync(Task answered, Task receiving, CancellationToken stop)
    {
        if (answered.IsCompleted)
        {
            return true;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var delay = Task.Delay(_scenario.AnswerTimeout, timeout.Token);
        await Task.WhenAny(answered, receiving, delay);
        await timeout.CancelAsync();
        stop.ThrowIfCancellationRequested();
        return answered.IsCompleted;
    }

    private static async Task DelayUntilAsync(long opened, TimeSpan at, Task receiving, CancellationToken stop)
    {
        var wait = at - Stopwatch.GetElapsedTime(opened);
        if (wait > TimeSpan.Zero && !receiving.IsCompleted)
        {
            await Task.WhenAny(Task.Delay(wait, stop), receiving);
            stop.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Reads the service's events into one small buffer; classifies each by the type at its start, and drops it.</summary>
    private async Task ReceiveAsync()
    {
        await Task.Yield();
        var buffer = new byte[ReceiveBufferBytes];
        var start = true;
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _serviceClosed = true;
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        // The service ended the call (a hang-up of its own): answer its close frame.
                        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
                    }

                    return;
                }

                if (start)
                {
                    Interlocked.Increment(ref _stats.ClientEvents);
                    Classify(buffer.AsSpan(0, result.Count));
                }

                start = result.EndOfMessage;
            }
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // Dropped (by the service, or aborted by the script).
            _serviceClosed = true;
        }
    }

    private void Classify(ReadOnlySpan<byte> message)
    {
        var at = message.IndexOf(TypeMarker);
        if (at < 0)
        {
            return;
        }

        var rest = message[(at + TypeMarker.Length)..];
        var end = rest.IndexOf((byte)'"');
        var type = end < 0 ? rest : rest[..end];
        if (type.SequenceEqual(ResponseCreateType))
        {
            if (_greeted.TrySetResult())
            {
                Interlocked.Increment(ref _stats.Greetings);
            }
        }
        else if (type.SequenceEqual(ItemCreateType))
        {
            Interlocked.Increment(ref _stats.ToolOutputs);
            _toolAnswered.TrySetResult();
        }
    }

    /// <summary>Now, in microseconds since the Unix epoch (the same clock PostgreSQL's commit timestamps read).</summary>
    public static long UnixMicroseconds() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    private static byte[][] Encode(params string[] lines) => lines.Select(Text).ToArray();

    /// <summary>A JSON string's content, escaped, as UTF-8.</summary>
    private static byte[] Text(string text)
    {
        var quoted = JsonSerializer.SerializeToUtf8Bytes(text);
        return quoted[1..^1];
    }

    /// <summary>A JSON event pre-encoded in parts around its holes (§S, §E, §T, §U, §X), filled per send.</summary>
    private sealed class Template
    {
        private readonly byte[][] _parts;
        private readonly char[] _holes;

        public Template(string json)
        {
            var parts = new List<byte[]>();
            var holes = new List<char>();
            var from = 0;
            for (var at = json.IndexOf('§', from); at >= 0; at = json.IndexOf('§', from))
            {
                parts.Add(Encoding.UTF8.GetBytes(json[from..at]));
                holes.Add(json[at + 1]);
                from = at + 2;
            }

            parts.Add(Encoding.UTF8.GetBytes(json[from..]));
            _parts = [.. parts];
            _holes = [.. holes];
        }

        public int Write(Span<byte> destination, long socket, long eventNumber, int turn, long sentAt, ReadOnlySpan<byte> text)
        {
            var length = 0;
            for (var i = 0; i < _parts.Length; i++)
            {
                _parts[i].CopyTo(destination[length..]);
                length += _parts[i].Length;
                if (i == _holes.Length)
                {
                    break;
                }

                int written;
                switch (_holes[i])
                {
                    case 'S':
                        Utf8Formatter.TryFormat(socket, destination[length..], out written);
                        break;
                    case 'E':
                        Utf8Formatter.TryFormat(eventNumber, destination[length..], out written);
                        break;
                    case 'T':
                        Utf8Formatter.TryFormat(turn, destination[length..], out written);
                        break;
                    case 'U':
                        Utf8Formatter.TryFormat(sentAt, destination[length..], out written);
                        break;
                    default:
                        text.CopyTo(destination[length..]);
                        written = text.Length;
                        break;
                }

                length += written;
            }

            return length;
        }
    }
}
