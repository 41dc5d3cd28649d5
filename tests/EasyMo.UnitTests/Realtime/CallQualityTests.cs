using System.Diagnostics.Metrics;
using EasyMo.Application.Common.Metrics;
using EasyMo.Domain.Calls;
using EasyMo.Infrastructure.Realtime;
using Microsoft.Extensions.Time.Testing;

namespace EasyMo.UnitTests.Realtime;

/// <summary>How long the caller waited, from a scripted sideband with known gaps on a fake clock.</summary>
public sealed class CallQualityTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_turn_is_timed_from_the_caller_stopping_to_the_agents_first_audio()
    {
        var clock = new FakeTimeProvider(T0);
        var meter = new CallQualityMeter(clock, Metrics(), acceptedAt: T0, greets: true);

        clock.Advance(TimeSpan.FromMilliseconds(1_200));
        meter.Mark(SidebandMark.AgentAudio, clock.GetTimestamp()); // the greeting
        meter.Mark(SidebandMark.AgentAudio, clock.GetTimestamp()); // more of it: nothing more to time
        foreach (var gap in new[] { 700, 300, 1_500, 450 })
        {
            clock.Advance(TimeSpan.FromSeconds(2)); // the caller speaks
            meter.Mark(SidebandMark.CallerStopped, clock.GetTimestamp());
            clock.Advance(TimeSpan.FromMilliseconds(gap));
            meter.Mark(SidebandMark.AgentAudio, clock.GetTimestamp());
            clock.Advance(TimeSpan.FromMilliseconds(100));
            meter.Mark(SidebandMark.AgentAudio, clock.GetTimestamp()); // the rest of the answer's audio
        }

        meter.ToolAnswered(TimeSpan.FromMilliseconds(80));
        meter.ToolAnswered(TimeSpan.FromMilliseconds(35));

        meter.Summary().ShouldBe(new CallQuality(Turns: 4, TurnP50Ms: 450, TurnP95Ms: 1_500, TurnMaxMs: 1_500, GreetingMs: 1_200, ToolMaxMs: 80));
    }

    [Fact]
    public void A_caller_who_stops_twice_before_the_answer_waits_from_the_last_stop()
    {
        var clock = new FakeTimeProvider(T0);
        var meter = new CallQualityMeter(clock, Metrics(), acceptedAt: T0, greets: false);

        meter.Mark(SidebandMark.CallerStopped, clock.GetTimestamp());
        clock.Advance(TimeSpan.FromMilliseconds(900));
        meter.Mark(SidebandMark.CallerStopped, clock.GetTimestamp());
        clock.Advance(TimeSpan.FromMilliseconds(250));
        meter.Mark(SidebandMark.AgentAudio, clock.GetTimestamp());

        meter.Summary().ShouldBe(new CallQuality(1, 250, 250, 250, GreetingMs: null, ToolMaxMs: null));
    }

    [Fact]
    public void GPT_Live_waits_come_measured_and_the_first_answer_is_the_greeting()
    {
        var clock = new FakeTimeProvider(T0);
        var meter = new CallQualityMeter(clock, Metrics(), acceptedAt: T0, greets: true);

        clock.Advance(TimeSpan.FromMilliseconds(800));
        meter.Waited(null); // the greeting: nobody spoke before it
        meter.Waited(TimeSpan.FromMilliseconds(640));
        meter.Waited(TimeSpan.FromMilliseconds(-5)); // a clock that went back: not a wait

        meter.Summary().ShouldBe(new CallQuality(1, 640, 640, 640, GreetingMs: 800, ToolMaxMs: null));
    }

    [Fact]
    public void Percentiles_are_nearest_rank_and_waits_are_bounded()
    {
        var waits = Enumerable.Range(1, 20).Select(i => i * 100).ToList(); // 100 … 2,000 ms
        waits.Add(3_600_000); // an hour: a measurement gone wrong

        var quality = CallQuality.Of(waits, greetingMs: -40, toolMaxMs: null);

        quality.ShouldBe(new CallQuality(21, TurnP50Ms: 1_100, TurnP95Ms: 2_000, TurnMaxMs: CallQuality.MaxMs, GreetingMs: 0, ToolMaxMs: null));
        CallQuality.Of([], null, null).ShouldBe(CallQuality.None);
    }

    private static EasyMoMetrics Metrics() => new(new TestMeterFactory());

    private sealed class TestMeterFactory : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
