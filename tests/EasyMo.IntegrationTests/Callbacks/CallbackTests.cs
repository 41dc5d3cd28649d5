using EasyMo.Application.Features.Callbacks;
using EasyMo.Application.Features.Calls;
using EasyMo.Domain.Callbacks;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NJsonSchema;
using static EasyMo.IntegrationTests.Callbacks.CallbackScenario;

namespace EasyMo.IntegrationTests.Callbacks;

/// <summary>
/// Busy callers called back (issue 14, part 4): a verified caller refused with 486 or 480 is told by WhatsApp and queued;
/// the call back is placed through GPT-Live's outbound SIP calling when a line frees, inside the caller's calling hours,
/// at most once, and followed like an incoming call. OpenAI is faked at the HTTP and WebSocket boundary; PostgreSQL is real.
/// </summary>
public sealed class CallbackTests
{
    private static readonly Lazy<Task<JsonSchema>> CreateSchema = new(() =>
        JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "LiveSessionCreateRequest.schema.json")));

    [Fact]
    public async Task A_busy_verified_caller_is_texted_and_called_back_on_GPT_Live_when_a_line_frees()
    {
        var password = NewTrunkPassword();
        await using var app = await EasyMoApp.StartAsync(WithMonitor(), WithLiveCallCeiling(1), WithCallbacks(password));
        app.OpenAi.RealtimeScript = OutboundScript(app.OpenAi);
        var first = await Monitor.MonitorTestKit.AcceptCallAsync(app);
        var firstSideband = await app.OpenAi.WaitForSessionAsync(first);

        var caller = Events.NewRwandanNumber();
        var busy = Events.NewCallId();
        using (var response = await app.PostWebhookAsync(Events.CarrierCall(busy, caller)))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        app.OpenAi.RejectStatus(busy).ShouldBe(486);
        var queued = await WaitForCallbackAsync(app, caller, callback => callback.Status == CallbackStatus.Queued);
        queued.Reason.ShouldBe(CallbackReason.Busy);
        queued.OriginCallId.ShouldBe(busy.AsCallId());
        queued.TimeZone.ShouldBe("Africa/Kigali");
        queued.Language.ShouldBe(Language.Kinyarwanda);
        await using (var db = app.Db())
        {
            var text = await db.OutboxMessages.AsNoTracking().SingleAsync(message => message.Recipient == PhoneNumber.Parse(caller).Digits, Ct);
            text.Body.ShouldBe(FallbackMessages.CallBackOffered(Language.Kinyarwanda, CallbackReason.Busy, app.Services.GetRequiredService<CallbackPolicy>().Hours));
            text.Body.ShouldContain("00:00"); // the caller's calling hours, as configured
        }

        // The line is still taken: nothing is dialed.
        await Task.Delay(600, Ct);
        app.OpenAi.For(FakeOpenAi.Create).ShouldBeEmpty();

        await firstSideband.CloseAsync(); // the first caller hangs up: a line frees
        await Poll.UntilAsync(() => app.OpenAi.Placed.Count == 1, "the call back to be placed");
        var create = app.OpenAi.For(FakeOpenAi.Create).ShouldHaveSingleItem();
        create.Surface.ShouldBe(FakeOpenAi.Live);
        var errors = (await CreateSchema.Value).Validate(create.Body);
        errors.ShouldBeEmpty(string.Join("; ", errors.Select(error => $"{error.Path}: {error.Kind}")));
        var body = JsonDocument.Parse(create.Body).RootElement;
        var transport = body.GetProperty("transport");
        transport.GetProperty("destination").GetString().ShouldBe(caller);
        transport.GetProperty("trunk").GetProperty("provider_url").GetString().ShouldBe("sips:trunk.example.net:5061");
        transport.GetProperty("trunk").GetProperty("auth").GetProperty("password").GetString().ShouldBe(password);
        transport.GetProperty("trunk").GetProperty("caller_number").GetString().ShouldBe("+250788000111");
        var session = body.GetProperty("session");
        session.GetProperty("model").GetString().ShouldBe("gpt-live-1");
        session.GetProperty("instructions").GetString()!.ShouldContain("calling this person back because they called EasyMO at");
        session.GetProperty("delegation").GetProperty("responses").GetProperty("tools").GetArrayLength().ShouldBe(AgentTools.All.Count);

        var sessionId = app.OpenAi.Placed[0].SessionId;
        var sideband = await app.OpenAi.WaitForSessionAsync(sessionId);
        sideband.Surface.ShouldBe(FakeOpenAi.Live);
        var greeting = await sideband.WaitForAsync("session.instructions.append");
        greeting.GetProperty("content").GetString()!.ShouldContain("returning their call to EasyMO at");

        var answered = await WaitForCallbackAsync(app, caller, callback => callback.Status == CallbackStatus.Answered);
        answered.SessionId.ShouldBe(sessionId.AsCallId());
        var call = await Monitor.MonitorTestKit.WaitForCallAsync(app, sessionId, c => c.Status == CallStatus.Ended);
        call.Runtime.ShouldBe(VoiceRuntime.Live);
        call.Caller.ShouldBe(PhoneNumber.Parse(caller));
        call.Identity.ShouldBe(CallerIdentity.Verified);
        call.EndReason.ShouldBe(CallEndReason.CallerHangup);
        call.VoiceSeconds.ShouldBe(12);

        app.Logs.Text.ShouldNotContain(password);
        app.Logs.Text.ShouldNotContain(caller); // numbers are masked
    }

    [Fact]
    public async Task A_call_back_that_rings_unanswered_ends_as_not_answered_and_is_not_dialed_again()
    {
        await using var app = await EasyMoApp.StartAsync(WithMonitor(), WithCallbacks(NewTrunkPassword()));
        app.OpenAi.RealtimeScript = OutboundScript(app.OpenAi, failure: "no_answer");
        var caller = Events.NewRwandanNumber();

        using (var response = await RequestAsync(app, caller))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        var settled = await WaitForCallbackAsync(app, caller, callback => callback.Status == CallbackStatus.NotAnswered);
        settled.Error.ShouldBe("no_answer");
        var call = await Monitor.MonitorTestKit.WaitForCallAsync(app, settled.SessionId!.Value.Value!, c => c.Status == CallStatus.Ended);
        call.EndReason.ShouldBe(CallEndReason.NotAnswered);
        (await app.OpenAi.WaitForSessionAsync(call.CallId.Value!)).Received.ShouldNotContain(
            clientEvent => clientEvent.GetProperty("type").GetString() == "session.instructions.append"); // nobody to greet

        await Task.Delay(500, Ct);
        app.OpenAi.For(FakeOpenAi.Create).ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData(500, "HTTP 500")]
    [InlineData(FakeOpenAi.Reset, "connection error")]
    public async Task A_dial_whose_answer_is_lost_is_in_doubt_and_never_sent_again(int status, string error)
    {
        await using var app = await EasyMoApp.StartAsync(WithCallbacks(NewTrunkPassword()));
        app.OpenAi.Answer(FakeOpenAi.Create, status);
        var caller = Events.NewRwandanNumber();

        (await RequestAsync(app, caller)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var doubted = await WaitForCallbackAsync(app, caller, callback => callback.Status == CallbackStatus.InDoubt);
        doubted.Error.ShouldNotBeNull().ShouldStartWith(error);
        await Task.Delay(800, Ct); // eight sweeps
        app.OpenAi.For(FakeOpenAi.Create).ShouldHaveSingleItem(); // each request places a call: never a second
        (await RequestAsync(app, caller)).StatusCode.ShouldBe(HttpStatusCode.Created); // a doubt does not hold the number's queue
    }

    [Fact]
    public async Task A_dial_that_outlives_its_timeout_is_in_doubt_and_never_sent_again()
    {
        await using var app = await EasyMoApp.StartAsync(WithCallbacks(NewTrunkPassword()));
        app.OpenAi.Responder = async (operation, _, _) =>
        {
            if (operation == FakeOpenAi.Create)
            {
                await Task.Delay(TimeSpan.FromSeconds(3)); // past Callbacks:DialTimeout (1 s): OpenAI may have placed it
            }

            return 200;
        };
        var caller = Events.NewRwandanNumber();

        (await RequestAsync(app, caller)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var doubted = await WaitForCallbackAsync(app, caller, callback => callback.Status == CallbackStatus.InDoubt);
        doubted.Error.ShouldBe("timed out");
        await Task.Delay(3000, Ct);
        app.OpenAi.For(FakeOpenAi.Create).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_call_back_left_dialing_by_a_dead_instance_is_in_doubt_and_never_dialed()
    {
        await using var app = await EasyMoApp.StartAsync(WithCallbacks(NewTrunkPassword()));
        var caller = Events.NewRwandanNumber();
        await using (var db = app.Db())
        {
            // What an instance killed between taking the call back and hearing OpenAI's answer leaves behind. One transaction:
            // the dialer, sweeping meanwhile, never sees the row queued.
            var policy = app.Services.GetRequiredService<CallbackPolicy>();
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            db.Callbacks.Add(policy.Offer(PhoneNumber.Parse(caller), null, Language.English, CallbackReason.Busy, null, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync(Ct);
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE callbacks SET status = 'dialing', dialed_at = now() - interval '3 minutes' WHERE phone = {caller}", Ct);
            await transaction.CommitAsync(Ct);
        }

        var doubted = await WaitForCallbackAsync(app, caller, callback => callback.Status == CallbackStatus.InDoubt);
        doubted.Error!.ShouldContain("dialing instance stopped");
        app.OpenAi.For(FakeOpenAi.Create).ShouldBeEmpty();
    }

    [Fact]
    public async Task OpenAIs_429_queues_the_call_back_again_certainly_not_placed()
    {
        await using var app = await EasyMoApp.StartAsync(WithCallbacks(NewTrunkPassword()));
        app.OpenAi.Answer(FakeOpenAi.Create, 429);
        var caller = Events.NewRwandanNumber();

        (await RequestAsync(app, caller)).StatusCode.ShouldBe(HttpStatusCode.Created);

        await Poll.UntilAsync(() => app.OpenAi.For(FakeOpenAi.Create).Count == 1, "the dial");
        var requeued = await WaitForCallbackAsync(app, caller, callback => callback.Status == CallbackStatus.Queued && callback.Error is not null);
        requeued.Error.ShouldBe("rate_limit_exceeded");
        requeued.DueAt.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddSeconds(30)); // not before OpenAI had time to recover
        requeued.DialedAt.ShouldBeNull();
    }

    [Fact]
    public async Task Outside_the_callers_calling_hours_nothing_rings()
    {
        await using var app = await EasyMoApp.StartAsync(WithCallbacks(NewTrunkPassword()).With(Asleep()));
        var caller = Events.NewRwandanNumber();

        (await RequestAsync(app, caller)).StatusCode.ShouldBe(HttpStatusCode.Created);

        await Task.Delay(800, Ct);
        app.OpenAi.For(FakeOpenAi.Create).ShouldBeEmpty();
        (await CallbacksToAsync(app, caller)).ShouldHaveSingleItem().Status.ShouldBe(CallbackStatus.Queued);
    }

    [Fact]
    public async Task Without_outbound_access_the_feature_says_so_once_and_stays_off()
    {
        await using var app = await EasyMoApp.StartAsync(WithCallbacks(NewTrunkPassword()));
        app.OpenAi.Answer(FakeOpenAi.Create, 403);
        var (first, second) = (Events.NewRwandanNumber(), Events.NewRwandanNumber());

        (await RequestAsync(app, first)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var refused = await WaitForCallbackAsync(app, first, callback => callback.Status == CallbackStatus.Failed);
        refused.Error.ShouldBe("outbound_sip_not_enabled");

        using var off = await RequestAsync(app, second);
        off.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await off.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString().ShouldBe("Calls back are off");
        app.OpenAi.For(FakeOpenAi.Create).ShouldHaveSingleItem();
        app.Logs.Lines.Count(line => line.Contains("CALLBACKS_OUTBOUND_REFUSED", StringComparison.Ordinal)).ShouldBe(1);

        // A caller refused for a full line now gets the plain fallback, not a promise.
        var callId = Events.NewCallId();
        app.OpenAi.Answer("accept", 400);
        using (var response = await app.PostWebhookAsync(Events.CarrierCall(callId, second)))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await CallbacksToAsync(app, second)).ShouldBeEmpty();
        await using var db = app.Db();
        (await db.OutboxMessages.AsNoTracking().SingleAsync(message => message.Recipient == PhoneNumber.Parse(second).Digits, Ct))
            .Body.ShouldBe(FallbackMessages.CallNotAnswered(Language.Kinyarwanda));
    }

    [Fact]
    public async Task A_failed_accept_queues_a_call_back_and_the_text_says_so_while_an_unverified_caller_gets_neither()
    {
        await using var app = await EasyMoApp.StartAsync(WithCallbacks(NewTrunkPassword()).With(Asleep()));
        app.OpenAi.Answer("accept", 400);
        var (verified, unverified) = (Events.NewRwandanNumber(), Events.NewRwandanNumber());

        (await app.PostWebhookAsync(Events.CarrierCall(Events.NewCallId(), verified))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.PostWebhookAsync(Events.CallIncomingAsSent(Events.NewCallId(), Events.InviteHeaders(unverified, Guid.NewGuid().ToString()))))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        (await CallbacksToAsync(app, verified)).ShouldHaveSingleItem().Reason.ShouldBe(CallbackReason.AcceptFailed);
        (await CallbacksToAsync(app, unverified)).ShouldBeEmpty(); // anyone can write a From: nobody is called on a claim
        await using var db = app.Db();
        (await db.OutboxMessages.AsNoTracking().SingleAsync(message => message.Recipient == PhoneNumber.Parse(verified).Digits, Ct))
            .Body.ShouldBe(FallbackMessages.CallBackOffered(Language.Kinyarwanda, CallbackReason.AcceptFailed, app.Services.GetRequiredService<CallbackPolicy>().Hours));
        (await db.OutboxMessages.AsNoTracking().AnyAsync(message => message.Recipient == PhoneNumber.Parse(unverified).Digits, Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_number_gets_one_open_call_back_and_at_most_its_days_limit()
    {
        await using var app = await EasyMoApp.StartAsync(WithCallbacks(NewTrunkPassword()).With(
            [("Callbacks:MaxPerNumberPerDay", "1"), .. Asleep()]));
        var caller = Events.NewRwandanNumber();

        using var queued = await RequestAsync(app, caller);
        queued.StatusCode.ShouldBe(HttpStatusCode.Created);
        var item = (await queued.Content.ReadFromJsonAsync<JsonElement>(Ct));
        item.GetProperty("status").GetString().ShouldBe("queued");
        item.GetProperty("phone").GetString().ShouldBe(caller);

        using (var again = await RequestAsync(app, caller))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            (await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString().ShouldBe("Call back already queued");
        }

        // A cancelled call back does not count toward the day's limit; one that rang does.
        var id = item.GetProperty("id").GetString();
        using (var cancelled = await app.Admin().PostAsync($"/api/callbacks/{id}/cancel", null, Ct))
        {
            cancelled.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await cancelled.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString().ShouldBe("cancelled");
        }

        (await app.Admin().PostAsync($"/api/callbacks/{id}/cancel", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await RequestAsync(app, caller)).StatusCode.ShouldBe(HttpStatusCode.Created);
        await using (var db = app.Db())
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE callbacks SET status = 'answered' WHERE phone = {caller} AND status = 'queued'", Ct);
        }

        using var limited = await RequestAsync(app, caller);
        limited.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await limited.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString().ShouldBe("Call back limit reached");

        var list = await app.Admin().GetFromJsonAsync<JsonElement>("/api/callbacks?status=cancelled", Ct);
        list.EnumerateArray().ShouldContain(row => row.GetProperty("id").GetString() == id);
        list.EnumerateArray().ShouldAllBe(row => row.GetProperty("status").GetString() == "cancelled");
    }

    [Fact]
    public async Task The_operators_callback_api_answers_bad_input_with_problems()
    {
        await using var app = await EasyMoApp.StartAsync(WithCallbacks(NewTrunkPassword()));
        var admin = app.Admin();

        (await app.CreateClient().GetAsync("/api/callbacks", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await admin.PostAsJsonAsync("/api/callbacks", new { phone = "not a number" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostAsync("/api/callbacks", new StringContent("[1,2]", System.Text.Encoding.UTF8, "application/json"), Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostAsync("/api/callbacks", new StringContent("{\"phone\":", System.Text.Encoding.UTF8, "application/json"), Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.GetAsync("/api/callbacks?status=ringing", Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.GetAsync("/api/callbacks?limit=0", Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostAsync($"/api/callbacks/{Guid.NewGuid()}/cancel", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.PostAsync("/api/callbacks/not-a-uuid/cancel", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Two_instances_sweeping_one_queue_place_each_call_back_once()
    {
        var settings = WithCallbacks(NewTrunkPassword()).With([("Callbacks:SweepInterval", "00:00:00.020")]);
        await using var one = await EasyMoApp.StartAsync(settings);
        await using var two = await EasyMoApp.StartAsync(settings, connectionString: one.ConnectionString, openAi: one.OpenAi);
        var callers = Enumerable.Range(0, 6).Select(_ => Events.NewRwandanNumber()).ToArray();

        foreach (var (caller, index) in callers.Select((caller, index) => (caller, index)))
        {
            (await RequestAsync(index % 2 == 0 ? one : two, caller)).StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        await Poll.UntilAsync(() => one.OpenAi.Placed.Count == callers.Length, "every call back to be placed");
        await Task.Delay(500, Ct);
        one.OpenAi.For(FakeOpenAi.Create).Select(request => FakeOpenAi.Destination(request.Body)).ShouldBe(callers, ignoreOrder: true);
    }

    [Fact]
    public async Task Calls_back_are_off_by_default_and_a_busy_caller_gets_no_promise()
    {
        await using var app = await EasyMoApp.StartAsync(WithLiveCallCeiling(1));
        await Monitor.MonitorTestKit.AcceptCallAsync(app);
        var caller = Events.NewRwandanNumber();

        (await app.PostWebhookAsync(Events.CarrierCall(Events.NewCallId(), caller))).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await CallbacksToAsync(app, caller)).ShouldBeEmpty();
        await using var db = app.Db();
        (await db.OutboxMessages.AsNoTracking().AnyAsync(message => message.Recipient == PhoneNumber.Parse(caller).Digits, Ct)).ShouldBeFalse();
        (await RequestAsync(app, caller)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    /// <summary>Calling hours that start in two hours and end in three, on a Rwandan caller's clock: they are asleep now.</summary>
    private static (string Key, string? Value)[] Asleep()
    {
        var now = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, CallbackPolicy.FindZone("Africa/Kigali")!).DateTime);
        return
        [
            ("Callbacks:CallingHoursStart", now.AddHours(2).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)),
            ("Callbacks:CallingHoursEnd", now.AddHours(3).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)),
        ];
    }
}
