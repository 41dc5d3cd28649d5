using EasyMo.Domain.Calls;
using static EasyMo.IntegrationTests.Summaries.SummaryScenario;

namespace EasyMo.IntegrationTests.Summaries;

/// <summary>Issue 3 item 6: a caller who calls again is reminded of what their last call was about.</summary>
public sealed class ContinuityTests
{
    [Fact]
    public async Task A_second_call_from_the_same_caller_gets_the_first_calls_summary_in_its_instructions()
    {
        await using var app = await EasyMoApp.StartAsync(FastSummaries());
        const string summary = "Yashakaga moto imuvana i Kimironko imujyana mu mujyi.";
        app.OpenAi.ResponsesBody = _ => FakeOpenAi.ResponseWithText(summary);
        var caller = Events.NewRwandanNumber();
        var firstCallId = Events.NewCallId();
        var first = await AcceptAsync(app, firstCallId, caller);
        await AddTranscriptAsync(app, first, (Speaker.Caller, "Ndashaka moto i Kimironko."), (Speaker.Agent, "Ujya he?"));
        await EndAsync(app, firstCallId);
        await WaitForSummaryStatusAsync(app, firstCallId, SummaryStatus.Done);

        var secondCallId = Events.NewCallId();
        await AcceptAsync(app, secondCallId, caller);

        var firstInstructions = Instructions(app, firstCallId);
        var secondInstructions = Instructions(app, secondCallId);
        firstInstructions.ShouldNotContain("Ubushize");
        secondInstructions.ShouldContain($"Ubushize uguhamagaye yahamagaye ku bijyanye n'ibi: \"{summary}\".");
        secondInstructions.ShouldContain("Vuga Ikinyarwanda");
    }

    [Fact]
    public async Task Another_callers_summary_is_never_used()
    {
        await using var app = await EasyMoApp.StartAsync(FastSummaries());
        var firstCallId = Events.NewCallId();
        var first = await AcceptAsync(app, firstCallId, Events.NewRwandanNumber());
        await AddTranscriptAsync(app, first, (Speaker.Caller, "Ndashaka moto."));
        await EndAsync(app, firstCallId);
        await WaitForSummaryStatusAsync(app, firstCallId, SummaryStatus.Done);

        var otherCallId = Events.NewCallId();
        await AcceptAsync(app, otherCallId, Events.NewRwandanNumber());

        Instructions(app, otherCallId).ShouldNotContain("Ubushize");
    }

    private static string Instructions(EasyMoApp app, string callId)
    {
        using var body = JsonDocument.Parse(app.OpenAi.For("accept", callId).ShouldHaveSingleItem().Body);
        return body.RootElement.GetProperty("instructions").GetString().ShouldNotBeNull();
    }
}
