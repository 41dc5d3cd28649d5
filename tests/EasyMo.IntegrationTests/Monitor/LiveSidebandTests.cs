using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Privacy;
using EasyMo.Domain.Profiles;
using Microsoft.EntityFrameworkCore;
using static EasyMo.IntegrationTests.Monitor.MonitorTestKit;

namespace EasyMo.IntegrationTests.Monitor;

/// <summary>
/// A GPT-Live call followed on its own sideband (<c>/v1/live/sessions/{id}/attach</c>, issue 14): the greeting through
/// <c>session.instructions.append</c>, transcript deltas assembled into turns, a tool call from the Responses backend's
/// nested stream answered with <c>response.item.create</c> + <c>response.create</c>, the keypad, and the end with its
/// reason and voice seconds from <c>session.closed</c>.
/// </summary>
public sealed class LiveSidebandTests
{
    private static Dictionary<string, string?> LiveSettings(params (string Key, string? Value)[] overrides) =>
        Settings([("OpenAI:VoiceRuntime", "live"), ("Sideband:LiveStartWait", "00:00:00.200"), .. overrides]);

    private static async Task<string> AcceptLiveCallAsync(EasyMoApp app, string caller, bool consenting)
    {
        if (consenting)
        {
            await using var db = app.Db();
            var profile = Profile.Create(PhoneNumber.Parse(caller), null, "Aline", Language.French, DateTimeOffset.UtcNow.AddDays(-1));
            profile.RememberConsent(granted: true, DateTimeOffset.UtcNow.AddDays(-1));
            db.Profiles.Add(profile);
            await db.SaveChangesAsync(Ct);
        }

        var sessionId = Events.NewSessionId();
        using var response = await app.PostWebhookAsync(Events.LiveIncoming(sessionId, Events.InviteHeaders(caller, Guid.NewGuid().ToString())));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return sessionId;
    }

    [Fact]
    public async Task A_live_call_is_greeted_transcribed_in_turns_and_ended_by_session_closed_with_its_voice_seconds()
    {
        await using var app = await EasyMoApp.StartAsync(LiveSettings());
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("session.instructions.append");
            await session.SendAsync(new { type = "session.output_transcript.delta", event_id = "ev_1", delta = "Bonjour Aline, ", start_ms = 100, end_ms = 900 });
            await session.SendAsync(new { type = "session.output_transcript.delta", event_id = "ev_2", delta = "comment puis-je vous aider ?", start_ms = 900, end_ms = 2000 });
            await session.SendAsync(new { type = "session.input_transcript.delta", event_id = "ev_3", delta = "Je cherche une moto", start_ms = 2500, end_ms = 3500 });
            await session.SendAsync(new { type = "session.input_transcript.delta", event_id = "ev_3", delta = "Je cherche une moto", start_ms = 2500, end_ms = 3500 }); // replayed after a re-attach: read once
            await session.SendAsync(new { type = "session.input_transcript.delta", event_id = "ev_4", delta = " à Kimironko.", start_ms = 3500, end_ms = 4200 });
            await session.SendAsync(new { type = "session.output_transcript.delta", event_id = "ev_5", delta = "D'accord.", start_ms = 4600, end_ms = 5200 });
            await session.SendAsync(new { type = "session.closed", event_id = "ev_6", reason = "remote_hangup", usage = new { seconds = 61.4 }, session = new { id = session.CallId } });
            await session.ClientClosed;
        };

        var sessionId = await AcceptLiveCallAsync(app, Events.NewRwandanNumber(), consenting: true);
        var call = await WaitForCallAsync(app, sessionId, c => c.Status == CallStatus.Ended);

        var sideband = app.OpenAi.SessionsFor(sessionId).ShouldHaveSingleItem();
        sideband.Surface.ShouldBe(FakeOpenAi.Live);
        sideband.Authorization.ShouldBe($"Bearer {app.ApiKey}");
        var greeting = sideband.Received[0];
        greeting.GetProperty("type").GetString().ShouldBe("session.instructions.append");
        greeting.GetProperty("delegation_id").ValueKind.ShouldBe(JsonValueKind.Null);
        greeting.GetProperty("content").GetString()!.ShouldContain("Aline");
        // Realtime's greeting (response.create with instructions) has no place on GPT-Live.
        sideband.Received.Select(clientEvent => clientEvent.GetProperty("type").GetString()).ShouldNotContain("response.create");

        call.EndReason.ShouldBe(CallEndReason.CallerHangup);
        call.VoiceSeconds.ShouldBe(61);

        // The caller's wait, on GPT-Live's own session clock: their words ended at 4,200 ms, the answer began at 4,600 ms.
        var quality = call.Quality.ShouldNotBeNull();
        quality.Turns.ShouldBe(1);
        (quality.TurnP50Ms, quality.TurnP95Ms, quality.TurnMaxMs).ShouldBe((400, 400, 400));
        quality.GreetingMs.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(0);
        await using var db = app.Db();
        var turns = await db.Transcripts.AsNoTracking().Where(t => t.CallId == call.Id).OrderBy(t => t.Sequence).ToListAsync(Ct);
        turns.Select(t => (t.Speaker, t.Text)).ShouldBe(
        [
            (Speaker.Agent, "Bonjour Aline, comment puis-je vous aider ?"),
            (Speaker.Caller, "Je cherche une moto à Kimironko."),
            (Speaker.Agent, "D'accord."),
        ]);
    }

    [Fact]
    public async Task A_live_calls_voice_seconds_are_priced_on_the_call_and_in_the_days_cost()
    {
        await using var app = await EasyMoApp.StartAsync(LiveSettings());
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("session.instructions.append");
            await session.SendAsync(new { type = "session.closed", event_id = "ev_1", reason = "remote_hangup", usage = new { seconds = 61 } });
            await session.ClientClosed;
        };
        var sessionId = await AcceptLiveCallAsync(app, Events.NewRwandanNumber(), consenting: false);
        await WaitForCallAsync(app, sessionId, c => c.Status == CallStatus.Ended);
        using var admin = app.Admin();

        var call = await admin.GetFromJsonAsync<JsonElement>($"/api/calls/{sessionId}", Ct);
        var stats = await admin.GetFromJsonAsync<JsonElement>("/api/stats/calls?days=1", Ct);

        call.GetProperty("runtime").GetString().ShouldBe("live");
        call.GetProperty("voiceSeconds").GetInt32().ShouldBe(61);
        call.GetProperty("costUsd").GetDecimal().ShouldBe(0.0508m); // gpt-live-1: $0.05 a minute, per second
        stats.GetProperty("costUsd").GetDecimal().ShouldBe(0.0508m);
        var today = stats.GetProperty("costByDay").EnumerateArray().ShouldHaveSingleItem();
        today.GetProperty("voiceSeconds").GetInt64().ShouldBe(61);
        today.GetProperty("unpricedSeconds").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task A_tool_call_of_the_backend_is_answered_on_the_live_wire_and_consent_stores_the_turns_held_before_it()
    {
        await using var app = await EasyMoApp.StartAsync(LiveSettings());
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("session.instructions.append");
            await session.SendAsync(new { type = "session.input_transcript.delta", event_id = "ev_1", delta = "Oui, vous pouvez garder.", start_ms = 1000, end_ms = 2000 });
            await session.SendAsync(new { type = "session.delegation.created", event_id = "ev_2", offset_ms = 2100, delegation = new { id = "del_1", type = "delegation", target = "responses", response_id = "resp_1" } });
            await session.SendAsync(new
            {
                type = "response.event",
                event_id = "ev_3",
                @event = new { type = "response.output_item.done", item = new { type = "function_call", call_id = "fc_1", name = "record_consent", arguments = """{"granted":true}""" } },
            });
            await session.WaitForAsync("response.create");
            await session.SendAsync(new { type = "session.closed", event_id = "ev_4", reason = "remote_hangup", usage = new { seconds = 20 } });
            await session.ClientClosed;
        };

        var sessionId = await AcceptLiveCallAsync(app, Events.NewRwandanNumber(), consenting: false);
        var call = await WaitForCallAsync(app, sessionId, c => c.Status == CallStatus.Ended);

        var sideband = app.OpenAi.SessionsFor(sessionId).ShouldHaveSingleItem();
        var output = await sideband.WaitForAsync("response.item.create");
        output.GetProperty("item").GetProperty("type").GetString().ShouldBe("function_call_output");
        output.GetProperty("item").GetProperty("call_id").GetString().ShouldBe("fc_1");
        sideband.Received.Select(e => e.GetProperty("type").GetString()).ShouldNotContain("conversation.item.create");
        call.Consent.ShouldBe(Consent.Granted);
        await using var db = app.Db();
        (await db.Transcripts.AsNoTracking().Where(t => t.CallId == call.Id).Select(t => t.Text).ToListAsync(Ct))
            .ShouldBe(["Oui, vous pouvez garder."]); // held until the answer, then stored
    }

    [Fact]
    public async Task Key_0_on_a_live_call_transfers_it_on_the_live_surface_and_the_close_keeps_the_transfer_as_its_end()
    {
        await using var app = await EasyMoApp.StartAsync(LiveSettings(("Calls:TransferTargets:default", "tel:+250788999000")));
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("session.instructions.append");
            await session.SendAsync(new { type = "transport.dtmf.received", event_id = "ev_1", @event = "0" });
            await Poll.UntilAsync(() => app.OpenAi.For("refer", session.CallId).Count == 1, "the REFER");
            await session.SendAsync(new { type = "session.closed", event_id = "ev_2", reason = "close_requested", usage = new { seconds = 9 } });
            await session.ClientClosed;
        };

        var sessionId = await AcceptLiveCallAsync(app, Events.NewRwandanNumber(), consenting: false);
        var call = await WaitForCallAsync(app, sessionId, c => c.Status == CallStatus.Ended);

        app.OpenAi.For("refer", sessionId).ShouldHaveSingleItem().Surface.ShouldBe(FakeOpenAi.Live);
        call.EndReason.ShouldBe(CallEndReason.Transferred);
        call.VoiceSeconds.ShouldBe(9);
    }

    [Fact]
    public async Task End_call_on_a_live_call_hangs_up_on_the_live_surface_after_a_goodbye()
    {
        await using var app = await EasyMoApp.StartAsync(LiveSettings());
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("session.instructions.append");
            await session.SendAsync(new
            {
                type = "response.event",
                event_id = "ev_1",
                @event = new { type = "response.output_item.done", item = new { type = "function_call", call_id = "fc_9", name = "end_call", arguments = "{}" } },
            });
            await Poll.UntilAsync(() => app.OpenAi.For("hangup", session.CallId).Count == 1, "the hang-up", TimeSpan.FromSeconds(15));
            await session.SendAsync(new { type = "session.closed", event_id = "ev_2", reason = "close_requested", usage = new { seconds = 30 } });
            await session.ClientClosed;
        };

        var sessionId = await AcceptLiveCallAsync(app, Events.NewRwandanNumber(), consenting: false);
        var call = await WaitForCallAsync(app, sessionId, c => c.Status == CallStatus.Ended, TimeSpan.FromSeconds(20));

        app.OpenAi.For("hangup", sessionId).ShouldHaveSingleItem().Surface.ShouldBe(FakeOpenAi.Live);
        call.EndReason.ShouldBe(CallEndReason.AgentHangup);
    }

    [Fact]
    public async Task The_greeting_waits_for_session_started_and_what_came_before_it_is_still_read()
    {
        await using var app = await EasyMoApp.StartAsync(LiveSettings(("Sideband:LiveStartWait", "00:00:10")));
        var greetedBeforeStart = true;
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.SendAsync(new { type = "session.input_transcript.delta", event_id = "ev_0", delta = "Allo ?", start_ms = 0, end_ms = 400 });
            await Task.Delay(500);
            greetedBeforeStart = session.Received.Count > 0;
            await session.SendAsync(new { type = "session.started", event_id = "ev_1", session = new { id = session.CallId, status = "active" } });
            await session.WaitForAsync("session.instructions.append");
            await session.SendAsync(new { type = "session.closed", event_id = "ev_2", reason = "remote_hangup", usage = new { seconds = 3 } });
            await session.ClientClosed;
        };

        var sessionId = await AcceptLiveCallAsync(app, Events.NewRwandanNumber(), consenting: true);
        var call = await WaitForCallAsync(app, sessionId, c => c.Status == CallStatus.Ended);

        greetedBeforeStart.ShouldBeFalse("the greeting went before session.started");
        await using var db = app.Db();
        (await db.Transcripts.AsNoTracking().Where(t => t.CallId == call.Id).Select(t => t.Text).ToListAsync(Ct)).ShouldBe(["Allo ?"]);
    }

    [Theory]
    [InlineData("remote_hangup", CallEndReason.CallerHangup)]
    [InlineData("expired", CallEndReason.MaxDuration)]
    [InlineData("content", CallEndReason.ContentFiltered)]
    [InlineData("connection_lost", CallEndReason.ConnectionLost)]
    [InlineData("a_reason_added_later", CallEndReason.RemoteEnded)]
    public async Task Session_closed_gives_the_call_its_end_reason(string reason, CallEndReason expected)
    {
        await using var app = await EasyMoApp.StartAsync(LiveSettings());
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("session.instructions.append");
            await session.SendAsync(new { type = "session.closed", event_id = "ev_1", reason, usage = new { seconds = 5 } });
            await session.ClientClosed;
        };

        var sessionId = await AcceptLiveCallAsync(app, Events.NewRwandanNumber(), consenting: false);

        (await WaitForCallAsync(app, sessionId, c => c.Status == CallStatus.Ended)).EndReason.ShouldBe(expected);
    }
}
