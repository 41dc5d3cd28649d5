using System.Diagnostics;
using System.Diagnostics.Metrics;
using EasyMo.Application.Features.Calls.AcceptIncomingCall;

namespace EasyMo.Application.Common.Metrics;

/// <summary>
/// The service's own instruments, in the meter <see cref="MeterName"/>. Tags are small fixed sets (an outcome, a
/// source): never a phone number or an id. Recording is a counter increment or a histogram sample, no allocation
/// beyond the tag.
/// </summary>
public sealed class EasyMoMetrics
{
    public const string MeterName = "EasyMo.Voice";

    private static readonly KeyValuePair<string, object?> Accepted = new("outcome", "accepted");
    private static readonly KeyValuePair<string, object?> Rejected = new("outcome", "rejected");
    private static readonly KeyValuePair<string, object?> Missed = new("outcome", "missed");
    private static readonly KeyValuePair<string, object?> Failed = new("outcome", "failed");
    private static readonly KeyValuePair<string, object?> Duplicate = new("outcome", "duplicate");
    private static readonly KeyValuePair<string, object?> OpenAiSource = new("source", "openai");
    private static readonly KeyValuePair<string, object?> WhatsAppSource = new("source", "whatsapp");

    private readonly Counter<long> _incoming;
    private readonly Counter<long> _decisions;
    private readonly Histogram<double> _decisionDuration;
    private readonly UpDownCounter<long> _live;
    private readonly Counter<long> _signatureFailures;
    private readonly Counter<long> _otherRuntime;
    private readonly Counter<long> _callbacks;
    private readonly Histogram<double> _transcriptLag;
    private readonly Counter<long> _transcriptDropped;
    private readonly Histogram<double> _turnWait;
    private readonly Histogram<double> _greetingWait;
    private readonly Histogram<double> _toolDuration;
    private long _outboxBacklog = -1;

    public EasyMoMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _incoming = meter.CreateCounter<long>("easymo_calls_incoming", unit: null, "Incoming-call webhooks received (signed and well-formed).");
        _decisions = meter.CreateCounter<long>("easymo_call_decisions", unit: null, "Decisions on incoming calls, by outcome.");
        _decisionDuration = meter.CreateHistogram(
            "easymo_call_decision_duration",
            unit: "s",
            description: "From the incoming-call webhook received to its decision carried out at OpenAI.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _live = meter.CreateUpDownCounter<long>("easymo_calls_live", unit: null, "Calls this instance follows over the sideband socket now.");
        _transcriptLag = meter.CreateHistogram(
            "easymo_transcript_store_lag",
            unit: "s",
            description: "From a transcript turn heard on the sideband socket (or, held until the caller consented, from the consent) to its row committed.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        double[] waits = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];
        _turnWait = meter.CreateHistogram(
            "easymo_turn_wait",
            unit: "s",
            description: "Each turn's wait: from the caller stopping speaking to the agent's first audio of the answer (sideband).",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = waits });
        _greetingWait = meter.CreateHistogram(
            "easymo_greeting_wait",
            unit: "s",
            description: "From a call's accept to the agent's first audio (the greeting).",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = waits });
        _toolDuration = meter.CreateHistogram(
            "easymo_tool_duration",
            unit: "s",
            description: "A tool's round trip: from the model's call to the answer sent back on the sideband.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _transcriptDropped = meter.CreateCounter<long>(
            "easymo_transcript_turns_dropped", unit: null, "Transcript turns given up after the database refused their batch again and again.");
        _otherRuntime = meter.CreateCounter<long>(
            "easymo_openai_other_runtime_events", unit: null, "Incoming-call events of the voice runtime that does not answer (OPENAI_VOICE_RUNTIME), by event type: acknowledged, not decided.");
        _callbacks = meter.CreateCounter<long>(
            "easymo_callbacks", unit: null, "Calls back, by what happened to them: queued, placed, answered, not_answered, failed, in_doubt, cancelled, expired.");
        _signatureFailures = meter.CreateCounter<long>("easymo_webhook_signature_failures", unit: null, "Webhooks refused for a missing or wrong signature, by source.");
        meter.CreateObservableGauge(
            "easymo_outbox_backlog",
            ObserveOutboxBacklog,
            unit: null,
            description: "Pending WhatsApp outbox messages, as last counted (refreshed periodically, not per scrape).");
    }

    public void CallIncoming() => _incoming.Add(1);

    /// <summary>One decision and how long it took since <paramref name="receivedTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void CallDecided(CallDecisionOutcome outcome, long receivedTimestamp)
    {
        var tag = outcome switch
        {
            CallDecisionOutcome.Accepted => Accepted,
            CallDecisionOutcome.Rejected => Rejected,
            CallDecisionOutcome.Missed => Missed,
            CallDecisionOutcome.AlreadyDecided => Duplicate,
            _ => Failed,
        };
        _decisions.Add(1, tag);
        _decisionDuration.Record(Stopwatch.GetElapsedTime(receivedTimestamp).TotalSeconds, tag);
    }

    /// <summary>An incoming-call event of the runtime that does not answer: acknowledged and counted, never decided.</summary>
    public void OtherRuntimeEvent(string eventType) => _otherRuntime.Add(1, new KeyValuePair<string, object?>("event", eventType));

    /// <summary>A call back reached <paramref name="status"/> (its state name); <paramref name="count"/> of them at once (expiry).</summary>
    public void Callback(string status, long count = 1) => _callbacks.Add(count, new KeyValuePair<string, object?>("status", status));

    public void CallFollowed() => _live.Add(1);

    /// <summary>A transcript turn's row committed, <paramref name="heardTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>) after it could be.</summary>
    public void TranscriptStored(long heardTimestamp) => _transcriptLag.Record(Stopwatch.GetElapsedTime(heardTimestamp).TotalSeconds);

    public void TranscriptDropped(int turns) => _transcriptDropped.Add(turns);

    public void TurnWaited(TimeSpan wait) => _turnWait.Record(wait.TotalSeconds);

    public void GreetingWaited(TimeSpan wait) => _greetingWait.Record(wait.TotalSeconds);

    public void ToolAnswered(TimeSpan took) => _toolDuration.Record(took.TotalSeconds);

    public void CallUnfollowed() => _live.Add(-1);

    public void OpenAiSignatureFailed() => _signatureFailures.Add(1, OpenAiSource);

    public void WhatsAppSignatureFailed() => _signatureFailures.Add(1, WhatsAppSource);

    /// <summary>The latest count of pending outbox messages; negative: unknown (nothing is reported).</summary>
    public void OutboxBacklogCounted(long pending) => Interlocked.Exchange(ref _outboxBacklog, pending);

    private IEnumerable<Measurement<long>> ObserveOutboxBacklog()
    {
        var value = Interlocked.Read(ref _outboxBacklog);
        return value < 0 ? [] : [new Measurement<long>(value)];
    }
}
