using EasyMo.Application.Features.Calls;
using EasyMo.Domain.Calls;
using Microsoft.Extensions.Configuration;

namespace EasyMo.UnitTests.Calls;

/// <summary>A call's cost: its voice seconds at the configured price per minute of its runtime and model, billed per second.</summary>
public sealed class CallPricingTests
{
    [Theory]
    [InlineData(60L, 0.05)]
    [InlineData(61L, 0.0508)] // per second, not per started minute: 61 × 0.05 / 60 = 0.050833…
    [InlineData(1L, 0.0008)]
    [InlineData(0L, 0.0)]
    public void GPT_Live_costs_five_cents_a_minute_billed_per_second(long seconds, double expected) =>
        new CallPricingOptions().Cost(VoiceRuntime.Live, "gpt-live-1", seconds).ShouldBe((decimal)expected);

    [Fact]
    public void Without_a_price_for_the_runtime_and_model_there_is_no_cost()
    {
        var pricing = new CallPricingOptions();

        pricing.Cost(VoiceRuntime.Realtime, "gpt-realtime", 600).ShouldBeNull(); // billed per token: an operator sets an estimate
        pricing.Cost(VoiceRuntime.Live, "gpt-live-9", 600).ShouldBeNull();
        pricing.Cost(VoiceRuntime.Live, null, 600).ShouldBeNull();
        pricing.Cost(VoiceRuntime.Live, "gpt-live-1", null).ShouldBeNull();
        pricing.Cost(VoiceRuntime.Live, "gpt-live-1", -5).ShouldBeNull();
    }

    [Fact]
    public void Prices_come_from_the_Pricing_section_and_add_to_the_defaults()
    {
        var pricing = new CallPricingOptions();
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pricing:Realtime:gpt-realtime"] = "0.30",
            ["Pricing:Live:gpt-live-1"] = "0.04",
        }).Build().GetSection(CallPricingOptions.SectionName).Bind(pricing);

        pricing.Cost(VoiceRuntime.Realtime, "gpt-realtime", 120).ShouldBe(0.60m);
        pricing.Cost(VoiceRuntime.Live, "GPT-LIVE-1", 60).ShouldBe(0.04m); // model names are compared without case
        pricing.Cost(VoiceRuntime.Live, "gpt-live-1.1", 60).ShouldBe(0.05m);
    }

    [Fact]
    public void A_call_is_priced_on_its_counted_voice_seconds_or_else_its_duration()
    {
        var pricing = new CallPricingOptions();
        pricing.Realtime["gpt-realtime"] = 0.30m;
        var live = Ended(VoiceRuntime.Live, "gpt-live-1", voiceSeconds: 90);
        var realtime = Ended(VoiceRuntime.Realtime, "gpt-realtime", voiceSeconds: null);

        pricing.Cost(live).ShouldBe(0.075m);
        pricing.Cost(realtime).ShouldBe(0.60m); // 120 s of duration
    }

    private static Call Ended(VoiceRuntime runtime, string model, int? voiceSeconds)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        var call = Call.Receive(new OpenAiCallId("rtc_" + Guid.NewGuid().ToString("N")), CallChannel.Phone, null, null, null, at, runtime: runtime);
        call.Accept(at, model, "marin");
        call.End(at.AddSeconds(120), CallEndReason.CallerHangup, voiceSeconds);
        return call;
    }
}
