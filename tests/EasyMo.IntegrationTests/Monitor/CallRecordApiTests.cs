using EasyMo.Domain.Calls;
using static EasyMo.IntegrationTests.Monitor.MonitorTestKit;

namespace EasyMo.IntegrationTests.Monitor;

/// <summary>A call followed to its end, as operators read it back: <c>GET /api/calls/{callId}</c>.</summary>
public sealed class CallRecordApiTests
{
    [Fact]
    public async Task The_call_record_shows_transcript_summary_tools_requests_and_the_transfer()
    {
        await using var app = await EasyMoApp.StartAsync(
            Settings(("Calls:TransferTargets:default", "tel:+250788999000")), new Dictionary<string, string?> { ["Summaries:SweepInterval"] = "00:00:00.100" });
        app.OpenAi.ResponsesBody = _ => FakeOpenAi.ResponseWithText("The caller asked for a moto from Kimironko and was put through to a person.");
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(new { type = "response.output_audio_transcript.done", item_id = "item_1", transcript = "Muraho! Nabafasha iki?" });
            await session.SendAsync(new { type = "conversation.item.input_audio_transcription.completed", item_id = "item_2", transcript = "Ndashaka moto i Kimironko." });
            await session.SendAsync(new
            {
                type = "response.function_call_arguments.done", response_id = "resp_1", item_id = "item_3", output_index = 0,
                call_id = "fc_1", name = "record_request", arguments = """{"service":"rides","location":"Kimironko","details":"moto to town"}""",
            });
            await session.WaitForAsync("conversation.item.create", e => e.GetProperty("item").GetProperty("call_id").GetString() == "fc_1");
            await session.SendAsync(new
            {
                type = "response.function_call_arguments.done", response_id = "resp_2", item_id = "item_4", output_index = 0,
                call_id = "fc_2", name = "transfer_to_human", arguments = """{"reason":"wants a person"}""",
            });
            await session.WaitForAsync("conversation.item.create", e => e.GetProperty("item").GetProperty("call_id").GetString() == "fc_2");
            await session.CloseAsync();
        };

        var callId = await AcceptConsentingCallAsync(app);
        await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended && c.SummaryStatus == SummaryStatus.Done);
        using var client = app.Admin();
        var call = await client.GetFromJsonAsync<JsonElement>($"/api/calls/{callId}", Ct);

        call.GetProperty("status").GetString().ShouldBe("ended");
        call.GetProperty("endReason").GetString().ShouldBe("transferred");
        call.GetProperty("transferTarget").GetString().ShouldBe("tel:+250788999000");
        call.GetProperty("summary").GetString().ShouldBe("The caller asked for a moto from Kimironko and was put through to a person.");
        call.GetProperty("transcript").EnumerateArray().Select(t => (t.GetProperty("speaker").GetString(), t.GetProperty("text").GetString()))
            .ShouldBe([("agent", "Muraho! Nabafasha iki?"), ("caller", "Ndashaka moto i Kimironko.")]);
        call.GetProperty("activities").EnumerateArray().Select(a => (a.GetProperty("kind").GetString(), a.GetProperty("name").GetString()))
            .ShouldBe([("tool_call", "record_request"), ("transfer", "refer"), ("tool_call", "transfer_to_human")], ignoreOrder: true);
        var request = call.GetProperty("requests").EnumerateArray().ShouldHaveSingleItem();
        request.GetProperty("service").GetString().ShouldBe("rides");
        request.GetProperty("location").GetString().ShouldBe("Kimironko");
    }
}
