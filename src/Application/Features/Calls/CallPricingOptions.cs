using EasyMo.Domain.Calls;

namespace EasyMo.Application.Features.Calls;

/// <summary>
/// What a minute of voice costs, in US dollars, per runtime and model (configuration section <c>Pricing</c>:
/// <c>Pricing:Live:gpt-live-1</c>, <c>Pricing:Realtime:gpt-realtime</c>). GPT-Live is billed per second of voice
/// ($0.05 a minute for <c>gpt-live-1</c>, the default); Realtime is billed per token, so its per-minute price is an
/// estimate an operator sets from their invoices (none by default: those calls show no cost).
/// </summary>
public sealed class CallPricingOptions
{
    public const string SectionName = "Pricing";

    /// <summary>Dollars per minute of GPT-Live voice, by model.</summary>
    public Dictionary<string, decimal> Live { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-live-1"] = 0.05m,
        ["gpt-live-1.1"] = 0.05m,
    };

    /// <summary>Estimated dollars per minute of a Realtime call, by model.</summary>
    public Dictionary<string, decimal> Realtime { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The price of a minute on <paramref name="runtime"/> with <paramref name="model"/>; null when none is set.</summary>
    public decimal? PerMinute(VoiceRuntime runtime, string? model) =>
        model is not null && (runtime == VoiceRuntime.Live ? Live : Realtime).TryGetValue(model, out var price) && price >= 0 ? price : null;

    /// <summary>
    /// What <paramref name="seconds"/> of voice cost on <paramref name="runtime"/> with <paramref name="model"/>, billed per
    /// second and rounded to a hundredth of a cent; null when the price or the seconds are unknown.
    /// </summary>
    public decimal? Cost(VoiceRuntime runtime, string? model, long? seconds) =>
        seconds is >= 0 && PerMinute(runtime, model) is { } perMinute ? Math.Round(perMinute * seconds.Value / 60m, 4, MidpointRounding.AwayFromZero) : null;

    /// <summary>
    /// A call's cost: the voice seconds OpenAI counted (GPT-Live's <c>session.closed</c>), or else the call's duration (all a
    /// Realtime call says).
    /// </summary>
    public decimal? Cost(Call call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return Cost(call.Runtime, call.Model, call.VoiceSeconds ?? call.DurationSeconds);
    }
}
