using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using Microsoft.EntityFrameworkCore;
using static EasyMo.IntegrationTests.Monitor.MonitorTestKit;

namespace EasyMo.IntegrationTests.Monitor;

/// <summary>The agent's tools and the caller's keypad during a call, answered over the sideband socket.</summary>
public sealed class CallToolTests
{
    private const string HumanLine = "tel:+250788999000";

    private static Func<JsonElement, bool> OutputFor(string functionCallId) =>
        clientEvent => clientEvent.GetProperty("item").GetProperty("call_id").GetString() == functionCallId;

    [Fact]
    public async Task record_request_stores_the_callers_request_and_answers_the_model()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        string? output = null;
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(Events.ToolCall("fc_1", "record_request", """{"service":"rides","location":"Kimironko","details":"A moto to town at 5 pm"}"""));
            output = (await session.WaitForAsync("conversation.item.create", OutputFor("fc_1"))).GetProperty("item").GetProperty("output").GetString();
            await session.WaitForAsync("response.create", e => !e.TryGetProperty("response", out _));
            await session.CloseAsync();
        };

        var callId = await AcceptConsentingCallAsync(app);
        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);

        output.ShouldNotBeNull().ShouldContain("recorded");
        await using var db = app.Db();
        var request = await db.CallRequests.AsNoTracking().SingleAsync(r => r.CallId == call.Id, Ct);
        (request.Service, request.Location, request.Details).ShouldBe(("rides", "Kimironko", "A moto to town at 5 pm"));
        request.ProfileId.ShouldBe(call.ProfileId);
        (await db.CallActivities.AsNoTracking().SingleAsync(a => a.CallId == call.Id, Ct)).Name.ShouldBe("record_request");
    }

    [Fact]
    public async Task set_preferred_language_is_remembered_on_the_profile_for_later_calls()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        var caller = Events.NewRwandanNumber();
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(Events.ToolCall("fc_lang", "set_preferred_language", """{"language":"fr"}"""));
            await session.WaitForAsync("conversation.item.create", OutputFor("fc_lang"));
            await session.CloseAsync();
        };

        var first = await AcceptCallAsync(app, caller);
        var call = await WaitForCallAsync(app, first, c => c.Status == CallStatus.Ended);
        await using (var db = app.Db())
        {
            (await db.Profiles.AsNoTracking().SingleAsync(p => p.Id == call.ProfileId, Ct)).Language.ShouldBe(Language.French);
        }

        var second = await AcceptCallAsync(app, caller);
        (await WaitForCallAsync(app, second, c => c.Status != CallStatus.Ringing)).Language.ShouldBe(Language.French);
    }

    [Fact]
    public async Task end_call_hangs_up_once_the_goodbye_is_said()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        var hungUpBeforeGoodbye = true;
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(Events.ToolCall("fc_end", "end_call", "{}"));
            await session.WaitForAsync("conversation.item.create", OutputFor("fc_end"));
            await Task.Delay(200);
            hungUpBeforeGoodbye = app.OpenAi.For("hangup", session.CallId).Count > 0;
            await session.SendAsync(new { type = "response.done", response = new { id = "resp_2", status = "completed" } });
            await Poll.UntilAsync(() => app.OpenAi.For("hangup", session.CallId).Count > 0, "a hangup after the goodbye");
            await session.CloseAsync();
        };

        var callId = await AcceptCallAsync(app);
        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);

        hungUpBeforeGoodbye.ShouldBeFalse();
        call.EndReason.ShouldBe(CallEndReason.AgentHangup);
        app.OpenAi.For("hangup", callId).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task transfer_to_human_refers_the_call_to_the_configured_line()
    {
        await using var app = await EasyMoApp.StartAsync(Settings(("Calls:TransferTargets:rw-phone", HumanLine), ("Calls:TransferTargets:default", "sip:desk@pbx.example")));
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(Events.ToolCall("fc_human", "transfer_to_human", """{"reason":"wants a person"}"""));
            await session.WaitForAsync("conversation.item.create", OutputFor("fc_human"));
            await session.CloseAsync(); // OpenAI drops the session once the REFER is done
        };

        var callId = await AcceptCallAsync(app);
        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);

        app.OpenAi.ReferTarget(callId).ShouldBe(HumanLine);
        call.TransferTarget.ShouldBe(HumanLine);
        call.EndReason.ShouldBe(CallEndReason.Transferred);
        await using var db = app.Db();
        (await db.CallActivities.AsNoTracking().Where(a => a.CallId == call.Id).Select(a => a.Kind).ToListAsync(Ct))
            .ShouldBe([CallActivityKind.Transfer, CallActivityKind.ToolCall], ignoreOrder: true);
    }

    [Fact]
    public async Task transfer_to_human_without_a_configured_line_tells_the_model_so()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        string? output = null;
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(Events.ToolCall("fc_human", "transfer_to_human", """{"reason":"wants a person"}"""));
            output = (await session.WaitForAsync("conversation.item.create", OutputFor("fc_human"))).GetProperty("item").GetProperty("output").GetString();
            await session.CloseAsync();
        };

        var callId = await AcceptCallAsync(app);
        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);

        output.ShouldNotBeNull().ShouldContain("unavailable");
        app.OpenAi.For("refer").ShouldBeEmpty();
        call.EndReason.ShouldBe(CallEndReason.CallerHangup);
    }

    [Fact]
    public async Task Pressing_0_transfers_the_caller_to_a_person()
    {
        await using var app = await EasyMoApp.StartAsync(Settings(("Calls:TransferTargets:default", HumanLine)));
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(new { type = "input_audio_buffer.dtmf_event_received", @event = "5", received_at = 1 });
            await session.SendAsync(new { type = "input_audio_buffer.dtmf_event_received", @event = "0", received_at = 2 });
            await Poll.UntilAsync(() => app.OpenAi.For("refer", session.CallId).Count > 0, "a refer");
            await session.CloseAsync();
        };

        var callId = await AcceptCallAsync(app);
        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);

        app.OpenAi.For("refer", callId).ShouldHaveSingleItem();
        call.EndReason.ShouldBe(CallEndReason.Transferred);
        await using var db = app.Db();
        (await db.CallActivities.AsNoTracking().Where(a => a.CallId == call.Id && a.Kind == CallActivityKind.KeyPress).SingleAsync(Ct)).Name.ShouldBe("0");
    }

    [Fact]
    public async Task Bad_tool_arguments_are_answered_to_the_model_and_the_call_goes_on()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        var outputs = new List<string?>();
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(Events.ToolCall("fc_a", "record_request", "not json"));
            outputs.Add((await session.WaitForAsync("conversation.item.create", OutputFor("fc_a"))).GetProperty("item").GetProperty("output").GetString());
            await session.SendAsync(Events.ToolCall("fc_b", "set_preferred_language", """{"language":"de"}"""));
            outputs.Add((await session.WaitForAsync("conversation.item.create", OutputFor("fc_b"))).GetProperty("item").GetProperty("output").GetString());
            await session.SendAsync(Events.ToolCall("fc_c", "open_the_pod_bay_doors", "{}"));
            outputs.Add((await session.WaitForAsync("conversation.item.create", OutputFor("fc_c"))).GetProperty("item").GetProperty("output").GetString());
            await session.CloseAsync();
        };

        var callId = await AcceptCallAsync(app);
        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);

        outputs.ShouldAllBe(output => output != null && output.Contains("error"));
        call.EndReason.ShouldBe(CallEndReason.CallerHangup);
    }
}
