using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using Microsoft.EntityFrameworkCore;
using static EasyMo.IntegrationTests.Monitor.MonitorTestKit;

namespace EasyMo.IntegrationTests.Monitor;

/// <summary>Accepted calls followed over the sideband socket: greeting, transcripts, the end, and the guards.</summary>
public sealed class CallMonitorTests
{
    [Fact]
    public async Task The_agent_greets_first_transcripts_are_stored_in_order_and_the_close_ends_the_call()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());

        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(new { type = "response.output_audio_transcript.done", item_id = "item_1", transcript = "Bonjour Aline, comment puis-je vous aider ?" });
            await session.SendAsync(new { type = "conversation.item.input_audio_transcription.completed", item_id = "item_2", transcript = "Je cherche une moto à Kimironko." });
            await session.SendAsync(new { type = "conversation.item.input_audio_transcription.completed", item_id = "item_2", transcript = "Je cherche une moto à Kimironko." });
            await session.SendAsync(new { type = "response.output_audio_transcript.done", item_id = "item_3", transcript = "D'accord, où allez-vous ?" });
            await Task.Delay(1100);
            await session.CloseAsync();
        };

        // A caller who agreed before that their calls may be kept (docs/privacy.md): transcripts are stored.
        var callId = await AcceptConsentingCallAsync(app, name: "Aline", language: Language.French);
        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);

        var session = app.OpenAi.SessionsFor(callId).ShouldHaveSingleItem();
        session.Authorization.ShouldBe($"Bearer {app.ApiKey}");
        var greeting = session.Received[0];
        greeting.GetProperty("type").GetString().ShouldBe("response.create");
        var instructions = greeting.GetProperty("response").GetProperty("instructions").GetString().ShouldNotBeNull();
        instructions.ShouldContain("French");
        instructions.ShouldContain("Aline");

        call.EndReason.ShouldBe(CallEndReason.CallerHangup);
        call.DurationSeconds.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(1);
        await using var check = app.Db();
        var turns = await check.Transcripts.AsNoTracking().Where(t => t.CallId == call.Id).OrderBy(t => t.Sequence).ToListAsync(Ct);
        turns.Select(t => (t.Sequence, t.Speaker, t.ItemId)).ShouldBe(
        [
            (1, Speaker.Agent, "item_1"),
            (2, Speaker.Caller, "item_2"),
            (3, Speaker.Agent, "item_3"),
        ]);
        TestContext.Current.SendDiagnosticMessage(string.Join("\n", app.Logs.Lines.Where(l => l.Contains("\"@l\"", StringComparison.Ordinal))));
        turns[1].Text.ShouldBe("Je cherche une moto à Kimironko.");
        app.Logs.Text.ShouldNotContain("Kimironko");
    }

    [Fact]
    public async Task A_socket_dropped_without_a_close_frame_ends_the_call_and_hangs_it_up_at_OpenAI()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            session.Abort();
        };

        var callId = await AcceptCallAsync(app);
        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);

        // Issue 12 (review M8): the socket may have dropped while the call goes on, so it is hung up, best effort.
        call.EndReason.ShouldBe(CallEndReason.ConnectionLost);
        call.EndedAt.ShouldNotBeNull();
        app.OpenAi.For("hangup", callId).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_call_reaching_its_maximum_duration_is_hung_up()
    {
        await using var app = await EasyMoApp.StartAsync(Settings(("Calls:MaxCallDuration", "00:00:01")));
        app.OpenAi.RealtimeScript = async session =>
        {
            await Poll.UntilAsync(() => app.OpenAi.For("hangup", session.CallId).Count > 0, "a hangup");
            await session.CloseAsync();
        };

        var callId = await AcceptCallAsync(app);
        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);

        app.OpenAi.For("hangup", callId).ShouldHaveSingleItem();
        call.EndReason.ShouldBe(CallEndReason.MaxDuration);
    }

    [Fact]
    public async Task A_call_where_nothing_happens_is_hung_up_after_the_idle_timeout()
    {
        await using var app = await EasyMoApp.StartAsync(Settings(("Sideband:IdleTimeout", "00:00:00.600")));
        app.OpenAi.RealtimeScript = async session =>
        {
            await Poll.UntilAsync(() => app.OpenAi.For("hangup", session.CallId).Count > 0, "a hangup");
            await session.CloseAsync();
        };

        var callId = await AcceptCallAsync(app);
        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);

        call.EndReason.ShouldBe(CallEndReason.IdleTimeout);
        app.OpenAi.For("hangup", callId).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Events_keep_a_call_from_the_idle_timeout()
    {
        await using var app = await EasyMoApp.StartAsync(Settings(("Sideband:IdleTimeout", "00:00:00.800")));
        app.OpenAi.RealtimeScript = async session =>
        {
            for (var i = 0; i < 6; i++)
            {
                await Task.Delay(300);
                await session.SendAsync(new { type = "input_audio_buffer.speech_started" });
            }

            await session.CloseAsync();
        };

        var callId = await AcceptCallAsync(app);
        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);

        call.EndReason.ShouldBe(CallEndReason.CallerHangup);
        app.OpenAi.For("hangup", callId).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_socket_that_will_not_open_is_retried_then_the_call_is_closed_as_lost()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        app.OpenAi.RealtimeAvailable = false;

        var callId = await AcceptCallAsync(app);
        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);

        call.EndReason.ShouldBe(CallEndReason.ConnectionLost);
        app.OpenAi.For("hangup", callId).ShouldHaveSingleItem();
        app.Logs.Lines.Count(line => line.Contains("CALL_MONITOR_CONNECT_FAILED", StringComparison.Ordinal)).ShouldBe(2);
    }
}
