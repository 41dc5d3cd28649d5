using System.Text.Json;
using EasyMo.Domain.Calls;

namespace EasyMo.Infrastructure.Realtime;

/// <summary>
/// What a call's sideband says, whichever runtime's socket it came on: the session (<see cref="CallSession"/>) follows a
/// call through these, and each runtime's <see cref="SidebandProtocol"/> reads them off its own wire.
/// </summary>
internal abstract record SidebandEvent;

/// <summary>A finished turn of the conversation; <paramref name="ItemId"/> keeps it stored once.</summary>
internal sealed record Spoken(Speaker Speaker, string Text, string ItemId) : SidebandEvent;

/// <summary>The model calls one of the agent's tools; the answer goes back under <paramref name="ToolCallId"/>.</summary>
internal sealed record ToolCalled(string ToolCallId, string Name, string Arguments) : SidebandEvent;

/// <summary>The agent finished a response (Realtime's <c>response.done</c>): the moment to hang up after a goodbye.</summary>
internal sealed record ResponseDone : SidebandEvent;

/// <summary>
/// The agent began to answer, the caller having waited <paramref name="Wait"/> since they stopped speaking (null: nobody
/// spoke before, as for the greeting), measured on the runtime's own session clock (GPT-Live's <c>start_ms</c>/<c>end_ms</c>).
/// </summary>
internal sealed record AgentSpeaking(TimeSpan? Wait) : SidebandEvent;

/// <summary>The caller pressed a key.</summary>
internal sealed record KeyPressed(string Key) : SidebandEvent;

/// <summary>
/// OpenAI says the session is over (GPT-Live's <c>session.closed</c>): why, when it says, and the voice seconds used.
/// Realtime has no such event: its socket just closes.
/// </summary>
internal sealed record SessionClosed(CallEndReason? Reason, int? VoiceSeconds) : SidebandEvent;

/// <summary>OpenAI reported an error on the session.</summary>
internal sealed record SessionError(string Code) : SidebandEvent;

/// <summary>One runtime's sideband wire: where to attach, how to speak and answer a tool, how to read what arrives.</summary>
internal abstract class SidebandProtocol
{
    public abstract VoiceRuntime Runtime { get; }

    /// <summary>
    /// How long the agent may take to say goodbye after <c>end_call</c> before the call is hung up; null: until the
    /// response is done (<see cref="ResponseDone"/>).
    /// </summary>
    public abstract TimeSpan? GoodbyeGrace { get; }

    public static SidebandProtocol For(VoiceRuntime runtime) => runtime == VoiceRuntime.Live ? new LiveSideband() : new RealtimeSideband();

    /// <summary>The socket's URL under the WebSocket base (<c>wss://api.openai.com/v1</c>).</summary>
    public abstract Uri Url(Uri webSocketBase, OpenAiCallId callId);

    /// <summary>The client event that makes the agent say what <paramref name="instructions"/> ask, now.</summary>
    public abstract object Say(string instructions);

    /// <summary>The client events that answer a tool call and let the agent go on.</summary>
    public abstract IEnumerable<object> ToolOutput(string toolCallId, string output);

    /// <summary>What one server event says (nothing, for events the session does not use).</summary>
    public abstract IEnumerable<SidebandEvent> Read(JsonElement serverEvent);

    /// <summary>
    /// Whether the session reads events of this <c>type</c> (UTF-8): <see cref="Read"/>'s, and those the session waits for.
    /// The socket drops the others unparsed.
    /// </summary>
    public abstract bool Reads(ReadOnlySpan<byte> type);

    /// <summary>What an event the session does not read tells by its arrival alone (<see cref="SidebandMark.None"/>: nothing).</summary>
    public virtual SidebandMark MarkOf(ReadOnlySpan<byte> type) => SidebandMark.None;

    protected static byte[][] Utf8(params string[] types) => [.. types.Select(type => System.Text.Encoding.UTF8.GetBytes(type))];

    protected static bool Contains(byte[][] types, ReadOnlySpan<byte> type)
    {
        foreach (var known in types)
        {
            if (type.SequenceEqual(known))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the greeting waits for the session's <c>session.started</c> (GPT-Live) rather than going at once.</summary>
    public virtual bool GreetsAfterStart => false;

    /// <summary>What is still held when the socket ends (a turn not yet closed by the other side speaking).</summary>
    public virtual IEnumerable<SidebandEvent> Flush() => [];

    protected static string Text(JsonElement element, string name) => RealtimeSocket.Text(element, name);

    protected static long? Milliseconds(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var ms) && ms >= 0 ? ms : null;
}

/// <summary>The Realtime API's sideband (<c>/realtime?call_id=…</c>): finished transcripts, function calls, <c>response.done</c>.</summary>
internal sealed class RealtimeSideband : SidebandProtocol
{
    private static readonly byte[][] ReadTypes = Utf8(
        "conversation.item.input_audio_transcription.completed",
        "response.output_audio_transcript.done",
        "response.function_call_arguments.done",
        "response.done",
        "input_audio_buffer.dtmf_event_received",
        "error");

    public override VoiceRuntime Runtime => VoiceRuntime.Realtime;

    private static readonly byte[][] CallerStoppedTypes = Utf8("input_audio_buffer.speech_stopped");

    private static readonly byte[][] AgentAudioTypes = Utf8(
        "output_audio_buffer.started", "response.output_audio.delta", "response.output_audio_transcript.delta");

    public override bool Reads(ReadOnlySpan<byte> type) => Contains(ReadTypes, type);

    public override SidebandMark MarkOf(ReadOnlySpan<byte> type) =>
        Contains(AgentAudioTypes, type) ? SidebandMark.AgentAudio
        : Contains(CallerStoppedTypes, type) ? SidebandMark.CallerStopped
        : SidebandMark.None;

    public override TimeSpan? GoodbyeGrace => null;

    public override Uri Url(Uri webSocketBase, OpenAiCallId callId) =>
        new($"{webSocketBase.ToString().TrimEnd('/')}/realtime?call_id={Uri.EscapeDataString(callId.Value)}");

    public override object Say(string instructions) => new { type = "response.create", response = new { instructions } };

    public override IEnumerable<object> ToolOutput(string toolCallId, string output) =>
    [
        new { type = "conversation.item.create", item = new { type = "function_call_output", call_id = toolCallId, output } },
        new { type = "response.create" },
    ];

    public override IEnumerable<SidebandEvent> Read(JsonElement serverEvent)
    {
        switch (Text(serverEvent, "type"))
        {
            case "conversation.item.input_audio_transcription.completed":
                return [new Spoken(Speaker.Caller, Text(serverEvent, "transcript"), Text(serverEvent, "item_id"))];
            case "response.output_audio_transcript.done":
                return [new Spoken(Speaker.Agent, Text(serverEvent, "transcript"), Text(serverEvent, "item_id"))];
            case "response.function_call_arguments.done":
                return [new ToolCalled(Text(serverEvent, "call_id"), Text(serverEvent, "name"), Text(serverEvent, "arguments"))];
            case "response.done":
                return [new ResponseDone()];
            case "input_audio_buffer.dtmf_event_received":
                return [new KeyPressed(Text(serverEvent, "event"))];
            case "error":
                return [new SessionError(serverEvent.TryGetProperty("error", out var detail) ? Text(detail, "code") : string.Empty)];
            default:
                return [];
        }
    }
}

/// <summary>
/// GPT-Live's sideband (<c>/live/sessions/{session_id}/attach</c>): transcripts as deltas assembled into turns (a turn
/// closes when the other side speaks, or at the end), tools from the Responses backend's nested stream, the keypad from
/// <c>transport.dtmf.received</c>, the end and the voice seconds from <c>session.closed</c>. Events are replayed for a
/// few seconds after an attach, with their ids: each is read once.
/// </summary>
internal sealed class LiveSideband : SidebandProtocol
{
    private const int MaxSeenEvents = 4096;
    private const int MaxTurnLength = 16_384;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _seenOrder = new();
    private readonly System.Text.StringBuilder _turn = new();
    private Speaker? _turnSpeaker;
    private long _turnStart;
    private long? _callerEndMs;

    private static readonly byte[][] ReadTypes = Utf8(
        "session.input_transcript.delta",
        "session.output_transcript.delta",
        "response.event",
        "transport.dtmf.received",
        "session.closed",
        "error",
        // What the session waits for: the start (the greeting), and a call back's answer or failure.
        "session.started",
        "transport.answered",
        "transport.failed");

    public override VoiceRuntime Runtime => VoiceRuntime.Live;

    public override bool Reads(ReadOnlySpan<byte> type) => Contains(ReadTypes, type);

    public override bool GreetsAfterStart => true;

    /// <summary>GPT-Live speaks what the backend answered; there is no end of speech to wait for, so a goodbye gets this long.</summary>
    public override TimeSpan? GoodbyeGrace => TimeSpan.FromSeconds(4);

    public override Uri Url(Uri webSocketBase, OpenAiCallId callId) =>
        new($"{webSocketBase.ToString().TrimEnd('/')}/live/sessions/{Uri.EscapeDataString(callId.Value)}/attach");

    public override object Say(string instructions) => new { type = "session.instructions.append", content = instructions, delegation_id = (string?)null };

    public override IEnumerable<object> ToolOutput(string toolCallId, string output) =>
    [
        new { type = "response.item.create", item = new { type = "function_call_output", call_id = toolCallId, output } },
        new { type = "response.create" },
    ];

    public override IEnumerable<SidebandEvent> Read(JsonElement serverEvent)
    {
        if (Text(serverEvent, "event_id") is { Length: > 0 } eventId && !FirstTime(eventId))
        {
            return [];
        }

        switch (Text(serverEvent, "type"))
        {
            case "session.input_transcript.delta":
                return Delta(Speaker.Caller, serverEvent);
            case "session.output_transcript.delta":
                return Delta(Speaker.Agent, serverEvent);
            case "response.event" when serverEvent.TryGetProperty("event", out var nested) && nested.ValueKind == JsonValueKind.Object
                && Text(nested, "type") == "response.output_item.done"
                && nested.TryGetProperty("item", out var item) && item.ValueKind == JsonValueKind.Object && Text(item, "type") == "function_call":
                return [new ToolCalled(Text(item, "call_id"), Text(item, "name"), Text(item, "arguments"))];
            case "transport.dtmf.received":
                return [new KeyPressed(Text(serverEvent, "event"))];
            case "session.closed":
                var seconds = serverEvent.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
                    && usage.TryGetProperty("seconds", out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number)
                    && number is >= 0 and < int.MaxValue
                    ? (int)Math.Round(number, MidpointRounding.AwayFromZero)
                    : (int?)null;
                return [.. Flush(), new SessionClosed(Reason(Text(serverEvent, "reason")), seconds)];
            case "error":
                return [new SessionError(serverEvent.TryGetProperty("error", out var detail) && detail.ValueKind == JsonValueKind.Object ? Text(detail, "code") : string.Empty)];
            default:
                return [];
        }
    }

    public override IEnumerable<SidebandEvent> Flush()
    {
        if (_turnSpeaker is not { } speaker || _turn.Length == 0)
        {
            return [];
        }

        var spoken = new Spoken(speaker, _turn.ToString().Trim(), $"live_{(speaker == Speaker.Caller ? "in" : "out")}_{_turnStart}");
        _turn.Clear();
        _turnSpeaker = null;
        return spoken.Text.Length == 0 ? [] : [spoken];
    }

    /// <summary>
    /// <c>session.closed</c>'s reason as the call's end: the caller's BYE, the hang-up this service asked for (which the
    /// session keeps its own reason for), the duration limit, a safety filter, a lost connection.
    /// </summary>
    internal static CallEndReason? Reason(string reason) => reason switch
    {
        "remote_hangup" => CallEndReason.CallerHangup,
        "close_requested" => CallEndReason.AgentHangup,
        "expired" => CallEndReason.MaxDuration,
        "content" => CallEndReason.ContentFiltered,
        "connection_lost" => CallEndReason.ConnectionLost,
        _ => null,
    };

    private List<SidebandEvent> Delta(Speaker speaker, JsonElement serverEvent)
    {
        var events = new List<SidebandEvent>();
        if (_turnSpeaker is { } current && current != speaker)
        {
            events.AddRange(Flush());
        }

        var startMs = Milliseconds(serverEvent, "start_ms");
        if (_turnSpeaker is null)
        {
            _turnSpeaker = speaker;
            _turnStart = startMs ?? 0;
            if (speaker == Speaker.Agent)
            {
                // The caller waited from the end of their last words to the start of this answer, on the session's clock.
                events.Add(new AgentSpeaking(_callerEndMs is { } end && startMs is { } begin && begin >= end ? TimeSpan.FromMilliseconds(begin - end) : null));
                _callerEndMs = null;
            }
        }

        if (speaker == Speaker.Caller && Milliseconds(serverEvent, "end_ms") is { } endMs)
        {
            _callerEndMs = endMs;
        }

        if (_turn.Length < MaxTurnLength)
        {
            _turn.Append(Text(serverEvent, "delta"));
        }

        return events;
    }

    private bool FirstTime(string eventId)
    {
        if (!_seen.Add(eventId))
        {
            return false;
        }

        _seenOrder.Enqueue(eventId);
        if (_seenOrder.Count > MaxSeenEvents)
        {
            _seen.Remove(_seenOrder.Dequeue());
        }

        return true;
    }
}
