using EasyMo.Application.Common.Metrics;
using EasyMo.Domain.Calls;

namespace EasyMo.Infrastructure.Realtime;

/// <summary>A sign on the sideband that matters only by when it came: the socket reports it without parsing the event.</summary>
internal enum SidebandMark
{
    None,

    /// <summary>The caller stopped speaking (Realtime's <c>input_audio_buffer.speech_stopped</c>).</summary>
    CallerStopped,

    /// <summary>
    /// The agent's audio is on its way (Realtime's <c>output_audio_buffer.started</c>, <c>response.output_audio.delta</c>,
    /// <c>response.output_audio_transcript.delta</c>: whichever comes first).
    /// </summary>
    AgentAudio,
}

/// <summary>
/// Measures how long the caller of one call waits: each turn from the caller stopping speaking to the agent's first
/// audio of the answer, the first greeting from the accept, each tool's round trip. Marks come from the socket's pump
/// (Realtime: by arrival, on <see cref="TimeProvider"/>'s clock); GPT-Live's waits come measured on its own session clock
/// (<see cref="Waited"/>). Each figure is also recorded in a histogram as it is measured. Bounded: at most
/// <see cref="MaxTurns"/> waits kept per call.
/// </summary>
internal sealed class CallQualityMeter(TimeProvider time, EasyMoMetrics metrics, DateTimeOffset acceptedAt, bool greets)
{
    internal const int MaxTurns = 2_000;

    private readonly Lock _gate = new();
    private readonly List<int> _waits = [];
    private long _callerStoppedAt;
    private bool _greeted = !greets;
    private int? _greetingMs;
    private int? _toolMaxMs;
    private int? _lastWaitMs;

    /// <summary>Told each turn's wait (ms) as it is measured, outside the meter's lock: the live view.</summary>
    public Action<int>? OnWait { get; init; }

    /// <summary>A mark from the socket, at <paramref name="timestamp"/> (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public void Mark(SidebandMark mark, long timestamp)
    {
        lock (_gate)
        {
            switch (mark)
            {
                case SidebandMark.CallerStopped:
                    _callerStoppedAt = timestamp;
                    break;
                case SidebandMark.AgentAudio:
                    Greeted();
                    if (_callerStoppedAt != 0)
                    {
                        Add(time.GetElapsedTime(_callerStoppedAt, timestamp));
                        _callerStoppedAt = 0;
                    }

                    break;
            }
        }

        Told();
    }

    /// <summary>The agent began a turn, the caller having waited <paramref name="wait"/> (null: no caller turn before it).</summary>
    public void Waited(TimeSpan? wait)
    {
        lock (_gate)
        {
            Greeted();
            if (wait is { } measured && measured >= TimeSpan.Zero)
            {
                Add(measured);
            }
        }

        Told();
    }

    public void ToolAnswered(TimeSpan took)
    {
        metrics.ToolAnswered(took);
        lock (_gate)
        {
            var ms = Milliseconds(took);
            _toolMaxMs = _toolMaxMs is { } max && max >= ms ? max : ms;
        }
    }

    public CallQuality Summary()
    {
        lock (_gate)
        {
            return CallQuality.Of(_waits, _greetingMs, _toolMaxMs);
        }
    }

    private void Greeted()
    {
        if (_greeted)
        {
            return;
        }

        _greeted = true;
        var wait = time.GetUtcNow() - acceptedAt;
        if (wait >= TimeSpan.Zero)
        {
            _greetingMs = Milliseconds(wait);
            metrics.GreetingWaited(wait);
        }
    }

    private void Add(TimeSpan wait)
    {
        metrics.TurnWaited(wait);
        var ms = Milliseconds(wait);
        if (_waits.Count < MaxTurns)
        {
            _waits.Add(ms);
        }

        _lastWaitMs = ms;
    }

    /// <summary>Runs <see cref="OnWait"/> for a wait just measured (after the lock is let go).</summary>
    private void Told()
    {
        int? wait;
        lock (_gate)
        {
            wait = _lastWaitMs;
            _lastWaitMs = null;
        }

        if (wait is { } ms)
        {
            OnWait?.Invoke(ms);
        }
    }

    private static int Milliseconds(TimeSpan span) => (int)Math.Clamp(Math.Round(span.TotalMilliseconds), 0, CallQuality.MaxMs);
}
