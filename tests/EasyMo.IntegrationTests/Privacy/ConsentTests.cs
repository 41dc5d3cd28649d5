using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Privacy;
using EasyMo.Domain.Profiles;
using Microsoft.EntityFrameworkCore;
using static EasyMo.IntegrationTests.Monitor.MonitorTestKit;

namespace EasyMo.IntegrationTests.Privacy;

/// <summary>Issue 7 items 1–2: the consent question at the start of a call, and what it governs.</summary>
public sealed class ConsentTests
{
    private static object Turn(Speaker speaker, string itemId, string text) => speaker == Speaker.Caller
        ? new { type = "conversation.item.input_audio_transcription.completed", item_id = itemId, transcript = text }
        : new { type = "response.output_audio_transcript.done", item_id = itemId, transcript = text };

    private static object ToolCall(string functionCallId, string name, string arguments) =>
        new { type = "response.function_call_arguments.done", call_id = functionCallId, name, arguments, item_id = "item_" + functionCallId };

    private static object Key(string digit) => new { type = "input_audio_buffer.dtmf_event_received", @event = digit };

    private static Func<JsonElement, bool> OutputFor(string functionCallId) =>
        clientEvent => clientEvent.GetProperty("item").GetProperty("call_id").GetString() == functionCallId;

    private static async Task<(Call Call, List<TranscriptTurn> Turns, List<CallRequest> Requests, Profile Profile)> StoredAsync(EasyMoApp app, string callId)
    {
        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);
        await using var db = app.Db();
        var turns = await db.Transcripts.AsNoTracking().Where(t => t.CallId == call.Id).OrderBy(t => t.Sequence).ToListAsync(Ct);
        var requests = await db.CallRequests.AsNoTracking().Where(r => r.CallId == call.Id).ToListAsync(Ct);
        var profile = await db.Profiles.AsNoTracking().SingleAsync(p => p.Id == call.ProfileId, Ct);
        return (call, turns, requests, profile);
    }

    private static string Greeting(EasyMoApp app, string callId) =>
        app.OpenAi.SessionsFor(callId).ShouldHaveSingleItem().Received[0].GetProperty("response").GetProperty("instructions").GetString().ShouldNotBeNull();

    [Fact]
    public async Task Consent_granted_by_voice_stores_the_turns_held_before_the_answer_and_is_remembered()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        string? output = null;
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(Turn(Speaker.Agent, "item_1", "Hello, I am EasyMO's AI assistant. May we keep this conversation?"));
            await session.SendAsync(Turn(Speaker.Caller, "item_2", "Yes, that is fine."));
            await session.SendAsync(ToolCall("fc_consent", "record_consent", """{"granted":true}"""));
            output = (await session.WaitForAsync("conversation.item.create", OutputFor("fc_consent"))).GetProperty("item").GetProperty("output").GetString();
            await session.SendAsync(Turn(Speaker.Caller, "item_3", "I need a moto in Kimironko."));
            await session.SendAsync(ToolCall("fc_request", "record_request", """{"service":"rides","location":"Kimironko","details":"moto"}"""));
            await session.WaitForAsync("conversation.item.create", OutputFor("fc_request"));
            await session.CloseAsync();
        };

        var callId = await AcceptCallAsync(app);
        var (call, turns, requests, profile) = await StoredAsync(app, callId);

        Greeting(app, callId).ShouldContain("AI assistant"); // in the caller's language: Kinyarwanda for a Rwandan number
        Greeting(app, callId).ShouldContain("Twakwemera kubika iki kiganiro");
        Greeting(app, callId).ShouldContain("record_consent");
        output.ShouldNotBeNull().ShouldContain("granted");
        call.Consent.ShouldBe(Consent.Granted);
        call.SummaryStatus.ShouldBe(SummaryStatus.Pending);
        turns.Select(t => t.ItemId).ShouldBe(["item_1", "item_2", "item_3"]);
        requests.ShouldHaveSingleItem().Location.ShouldBe("Kimironko");
        profile.Consent.ShouldBe(Consent.Granted);
        profile.ConsentAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task Consent_granted_by_keypad_1_is_recorded_and_the_agent_is_told()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(Turn(Speaker.Agent, "item_1", "Murakaza neza. Twakwemera kubika iki kiganiro?"));
            await session.SendAsync(Key("1"));
            await session.WaitForAsync("response.create", e => e.TryGetProperty("response", out var r) && r.GetProperty("instructions").GetString()!.Contains("pressed 1", StringComparison.Ordinal));
            await session.SendAsync(Turn(Speaker.Caller, "item_2", "Ndashaka moto."));
            await Task.Delay(200);
            await session.CloseAsync();
        };

        var callId = await AcceptCallAsync(app);
        var (call, turns, _, profile) = await StoredAsync(app, callId);

        call.Consent.ShouldBe(Consent.Granted);
        turns.Select(t => t.ItemId).ShouldBe(["item_1", "item_2"]);
        profile.Consent.ShouldBe(Consent.Granted);
        await using var db = app.Db();
        (await db.CallActivities.AsNoTracking().Where(a => a.CallId == call.Id).Select(a => a.Detail).ToListAsync(Ct)).ShouldContain("granted by keypad");
    }

    [Fact]
    public async Task Consent_denied_keeps_nothing_personal_only_the_calls_metadata()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        string? requestOutput = null;
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(Turn(Speaker.Agent, "item_1", "May we keep this conversation?"));
            await session.SendAsync(Turn(Speaker.Caller, "item_2", "No thank you."));
            await session.SendAsync(ToolCall("fc_consent", "record_consent", """{"granted":false}"""));
            await session.WaitForAsync("conversation.item.create", OutputFor("fc_consent"));
            await session.SendAsync(Turn(Speaker.Caller, "item_3", "I need a house in Remera for 200000."));
            await session.SendAsync(ToolCall("fc_request", "record_request", """{"service":"property","location":"Remera","details":"house"}"""));
            requestOutput = (await session.WaitForAsync("conversation.item.create", OutputFor("fc_request"))).GetProperty("item").GetProperty("output").GetString();
            await session.CloseAsync();
        };

        var callId = await AcceptCallAsync(app);
        var (call, turns, requests, profile) = await StoredAsync(app, callId);

        call.Consent.ShouldBe(Consent.Denied);
        turns.ShouldBeEmpty();
        requests.ShouldBeEmpty();
        requestOutput.ShouldNotBeNull().ShouldContain("not_recorded");
        call.SummaryStatus.ShouldBe(SummaryStatus.NotKept);
        call.Summary.ShouldBeNull();
        (call.EndedAt, call.DurationSeconds, call.EndReason, call.Language, call.Channel).ShouldNotBe(default);
        profile.Consent.ShouldBe(Consent.Denied);
    }

    [Fact]
    public async Task A_caller_who_never_answers_has_no_transcript_and_no_summary()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(Turn(Speaker.Agent, "item_1", "May we keep this conversation?"));
            await session.SendAsync(Turn(Speaker.Caller, "item_2", "I need a moto in Nyamirambo."));
            await Task.Delay(200);
            await session.CloseAsync();
        };

        var callId = await AcceptCallAsync(app);
        var (call, turns, _, profile) = await StoredAsync(app, callId);

        call.Consent.ShouldBe(Consent.NotAsked);
        turns.ShouldBeEmpty();
        call.SummaryStatus.ShouldBe(SummaryStatus.NotKept);
        profile.Consent.ShouldBe(Consent.NotAsked);
    }

    [Fact]
    public async Task A_remembered_answer_is_not_asked_again_within_the_interval_and_is_asked_after_it()
    {
        await using var app = await EasyMoApp.StartAsync(Settings(("Privacy:ReaskAfter", "30.00:00:00")));
        var recent = Events.NewRwandanNumber();
        var stale = Events.NewRwandanNumber();
        await using (var db = app.Db())
        {
            var recentProfile = Profile.Create(PhoneNumber.Parse(recent), null, null, null, DateTimeOffset.UtcNow.AddDays(-100));
            recentProfile.RememberConsent(granted: true, DateTimeOffset.UtcNow.AddDays(-10));
            var staleProfile = Profile.Create(PhoneNumber.Parse(stale), null, null, null, DateTimeOffset.UtcNow.AddDays(-100));
            staleProfile.RememberConsent(granted: true, DateTimeOffset.UtcNow.AddDays(-40));
            db.Profiles.AddRange(recentProfile, staleProfile);
            await db.SaveChangesAsync(Ct);
        }

        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(Turn(Speaker.Caller, "item_1", "Muraho"));
            await Task.Delay(200);
            await session.CloseAsync();
        };

        var recentCall = await AcceptCallAsync(app, recent);
        var staleCall = await AcceptCallAsync(app, stale);
        var (recentStored, recentTurns, _, _) = await StoredAsync(app, recentCall);
        var (staleStored, staleTurns, _, _) = await StoredAsync(app, staleCall);

        Greeting(app, recentCall).ShouldNotContain("record_consent");
        recentStored.Consent.ShouldBe(Consent.Granted);
        recentTurns.ShouldHaveSingleItem();
        Greeting(app, staleCall).ShouldContain("record_consent");
        staleStored.Consent.ShouldBe(Consent.NotAsked);
        staleTurns.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_caller_who_refused_gets_no_caller_memory_from_earlier_calls()
    {
        await using var app = await EasyMoApp.StartAsync();
        var caller = Events.NewRwandanNumber();
        const string summary = "Wanted a moto from Kimironko to town.";
        await using (var db = app.Db())
        {
            var profile = Profile.Create(PhoneNumber.Parse(caller), null, null, null, DateTimeOffset.UtcNow.AddDays(-20));
            profile.RememberConsent(granted: false, DateTimeOffset.UtcNow.AddDays(-1));
            db.Profiles.Add(profile);
            var earlier = Call.Receive(Events.NewCallId().AsCallId(), CallChannel.Phone, PhoneNumber.Parse(caller), null, null, DateTimeOffset.UtcNow.AddDays(-5));
            earlier.Identify(profile.Id, Language.English);
            earlier.Accept(DateTimeOffset.UtcNow.AddDays(-5), "m", "v");
            earlier.RecordConsent(granted: true, DateTimeOffset.UtcNow.AddDays(-5));
            earlier.End(DateTimeOffset.UtcNow.AddDays(-5).AddMinutes(2), CallEndReason.CallerHangup);
            earlier.RecordSummary(summary, DateTimeOffset.UtcNow.AddDays(-5).AddMinutes(3));
            db.Calls.Add(earlier);
            await db.SaveChangesAsync(Ct);
        }

        var callId = await AcceptCallAsync(app, caller);

        using var body = JsonDocument.Parse(app.OpenAi.For("accept", callId).ShouldHaveSingleItem().Body);
        body.RootElement.GetProperty("instructions").GetString().ShouldNotBeNull().ShouldNotContain("Kimironko");
        body.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ShouldContain("record_consent");
    }
}
