using EasyMo.Domain.Calls;
using EasyMo.IntegrationTests.Metrics;
using static EasyMo.IntegrationTests.Monitor.MonitorTestKit;

namespace EasyMo.IntegrationTests.Monitor;

/// <summary>
/// How long the caller waited (issue 18, part 1), measured on a Realtime call's sideband with known gaps: each turn from
/// <c>input_audio_buffer.speech_stopped</c> to the earliest of the agent's audio events, the greeting from the accept, a
/// tool's round trip; stored with the call's end, exported as histograms, and shown by the API.
/// Its metrics are read with the other metric tests, not beside other hosts (the meter is named the same in each).
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class CallQualityTests
{
    [Fact]
    public async Task Each_turns_wait_the_greeting_and_the_tool_are_measured_stored_exported_and_shown()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        var audio = Convert.ToBase64String(new byte[48_000]);
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await Task.Delay(250);
            await session.SendAsync(new { type = "output_audio_buffer.started", response_id = "resp_1" });
            await session.SendAsync(new { type = "response.output_audio.delta", item_id = "item_1", delta = audio });

            // Turn 1: the answer's first sign is its audio.
            await session.SendAsync(new { type = "input_audio_buffer.speech_stopped", audio_end_ms = 4_000, item_id = "item_2" });
            await Task.Delay(600);
            await session.SendAsync(new { type = "response.output_audio.delta", item_id = "item_3", delta = audio });
            await session.SendAsync(new { type = "response.output_audio_transcript.delta", item_id = "item_3", delta = "Murakoze" });

            // Turn 2: its transcript comes first.
            await session.SendAsync(new { type = "input_audio_buffer.speech_stopped", audio_end_ms = 9_000, item_id = "item_4" });
            await Task.Delay(200);
            await session.SendAsync(new { type = "response.output_audio_transcript.delta", item_id = "item_5", delta = "Yego" });
            await session.SendAsync(new { type = "response.function_call_arguments.done", call_id = "fc_1", name = "set_preferred_language", arguments = """{"language":"rw"}""" });
            await session.WaitForAsync("conversation.item.create");
            await session.CloseAsync();
        };
        var before = await Scrape.TakeAsync(app);

        var callId = await AcceptCallAsync(app);
        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);

        var quality = call.Quality.ShouldNotBeNull();
        quality.Turns.ShouldBe(2);
        quality.TurnP50Ms.ShouldNotBeNull().ShouldBeInRange(150, 550); // the shorter wait (nearest rank of two; timers are coarse)
        quality.TurnMaxMs.ShouldNotBeNull().ShouldBeInRange(550, 1_100);
        quality.TurnP95Ms.ShouldBe(quality.TurnMaxMs);
        quality.GreetingMs.ShouldNotBeNull().ShouldBeInRange(250, 5_000);
        quality.ToolMaxMs.ShouldNotBeNull().ShouldBeInRange(0, 2_000);

        var after = await Scrape.TakeAsync(app);
        (after.Value("easymo_turn_wait_seconds_count") - before.Value("easymo_turn_wait_seconds_count")).ShouldBe(2, after.Text);
        (after.Value("easymo_greeting_wait_seconds_count") - before.Value("easymo_greeting_wait_seconds_count")).ShouldBe(1);
        (after.Value("easymo_tool_duration_seconds_count") - before.Value("easymo_tool_duration_seconds_count")).ShouldBe(1);

        using var client = app.Admin();
        var shown = (await client.GetFromJsonAsync<JsonElement>($"/api/calls/{callId}", Ct)).GetProperty("quality");
        shown.GetProperty("turns").GetInt32().ShouldBe(2);
        shown.GetProperty("turnMaxMs").GetInt32().ShouldBe(quality.TurnMaxMs.Value);
        shown.GetProperty("greetingMs").GetInt32().ShouldBe(quality.GreetingMs.Value);
    }

    [Fact]
    public async Task A_call_that_could_not_be_followed_has_no_figures()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        app.OpenAi.RealtimeAvailable = false;

        var call = await WaitForCallAsync(app, await AcceptCallAsync(app), c => c.Status == CallStatus.Ended);

        call.EndReason.ShouldBe(CallEndReason.ConnectionLost);
        call.Quality.ShouldBeNull();
    }
}
