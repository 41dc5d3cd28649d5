using EasyMo.Domain.Calls;
using Microsoft.Extensions.Options;
using static EasyMo.IntegrationTests.Summaries.SummaryScenario;

namespace EasyMo.IntegrationTests.Summaries;

/// <summary>Issue 3 item 5: after a call ends, a short summary of its transcript in the caller's language, stored on the call.</summary>
public sealed class CallSummaryTests
{
    private const string SummaryOfMoto = "Umuhamagazi yashakaga moto imuvana i Kimironko imujyana mu mujyi saa tatu.";

    [Fact]
    public async Task The_summary_is_made_from_the_transcript_in_the_callers_language_and_stored_after_the_end()
    {
        await using var app = await EasyMoApp.StartAsync(FastSummaries());
        app.OpenAi.ResponsesBody = _ => FakeOpenAi.ResponseWithText(SummaryOfMoto);
        var callId = Events.NewCallId();
        var call = await AcceptAsync(app, callId, Events.NewRwandanNumber());
        await AddTranscriptAsync(app, call,
            (Speaker.Agent, "Muraho, nitwa EasyMO. Nagufasha iki?"),
            (Speaker.Caller, "Ndashaka moto i Kimironko\njyana mu mujyi saa tatu."),
            (Speaker.Agent, "Nibyo, tuzakwandikira kuri WhatsApp."));

        await EndAsync(app, callId);
        var summarised = await WaitForSummaryStatusAsync(app, callId, SummaryStatus.Done);

        summarised.Summary.ShouldBe(SummaryOfMoto);
        summarised.SummaryDueAt.ShouldBeNull();
        summarised.SummaryAttempts.ShouldBe(0);
        var request = app.OpenAi.For("responses").ShouldHaveSingleItem();
        request.Authorization.ShouldBe($"Bearer {app.ApiKey}");
        request.Project.ShouldBe("proj_test");
        request.ContentType.ShouldNotBeNull().ShouldStartWith("application/json");
        using var body = JsonDocument.Parse(request.Body);
        body.RootElement.GetProperty("model").GetString().ShouldBe("gpt-4o-mini");
        body.RootElement.GetProperty("store").GetBoolean().ShouldBeFalse();
        body.RootElement.GetProperty("max_output_tokens").GetInt32().ShouldBeGreaterThan(0);
        var instructions = body.RootElement.GetProperty("instructions").GetString().ShouldNotBeNull();
        instructions.ShouldContain("Kinyarwanda");
        instructions.ShouldContain("1 to 3");
        instructions.ShouldContain("phone number");
        body.RootElement.GetProperty("input").GetString().ShouldBe(
            "Agent: Muraho, nitwa EasyMO. Nagufasha iki?\n"
            + "Caller: Ndashaka moto i Kimironko jyana mu mujyi saa tatu.\n"
            + "Agent: Nibyo, tuzakwandikira kuri WhatsApp.");

        // Logged by event name, without what was said (the line follows the commit that the wait above saw: a moment).
        for (var waited = 0; waited < 40 && !app.Logs.Text.Contains("\"Name\":\"CALL_SUMMARY_STORED\"", StringComparison.Ordinal); waited++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var logs = app.Logs.Text;
        logs.ShouldContain("\"Name\":\"CALL_SUMMARY_STORED\"");
        logs.ShouldNotContain("Kimironko");
        logs.ShouldNotContain(app.ApiKey);
    }

    [Fact]
    public async Task The_summary_model_is_configurable()
    {
        await using var app = await EasyMoApp.StartAsync(FastSummaries(("Summaries:Model", "gpt-4.1-nano"), ("OpenAI:OrganizationId", "org-test")));
        var callId = Events.NewCallId();
        var call = await AcceptAsync(app, callId, Events.NewRwandanNumber());
        await AddTranscriptAsync(app, call, (Speaker.Caller, "I need a taxi."));

        await EndAsync(app, callId);
        await WaitForSummaryStatusAsync(app, callId, SummaryStatus.Done);

        var request = app.OpenAi.For("responses").ShouldHaveSingleItem();
        request.Organization.ShouldBe("org-test");
        JsonDocument.Parse(request.Body).RootElement.GetProperty("model").GetString().ShouldBe("gpt-4.1-nano");
    }

    [Fact]
    public async Task The_admin_API_shows_the_summary_and_its_status()
    {
        await using var app = await EasyMoApp.StartAsync(FastSummaries());
        app.OpenAi.ResponsesBody = _ => FakeOpenAi.ResponseWithText(SummaryOfMoto);
        var callId = Events.NewCallId();
        var call = await AcceptAsync(app, callId, Events.NewRwandanNumber());
        await AddTranscriptAsync(app, call, (Speaker.Caller, "Ndashaka moto."));
        using var client = app.Admin();

        var live = await client.GetFromJsonAsync<JsonElement>($"/api/calls/{callId}", Ct);
        await EndAsync(app, callId);
        await WaitForSummaryStatusAsync(app, callId, SummaryStatus.Done);
        var ended = await client.GetFromJsonAsync<JsonElement>($"/api/calls/{callId}", Ct);

        live.GetProperty("summaryStatus").GetString().ShouldBe("none");
        live.GetProperty("summary").ValueKind.ShouldBe(JsonValueKind.Null);
        ended.GetProperty("status").GetString().ShouldBe("ended");
        ended.GetProperty("summaryStatus").GetString().ShouldBe("done");
        ended.GetProperty("summary").GetString().ShouldBe(SummaryOfMoto);
        var events = ended.GetProperty("events").EnumerateArray().ToArray();
        events[^1].GetProperty("type").GetString().ShouldBe("summary");
        events[^1].GetProperty("detail").GetString().ShouldBe("done");
        live.GetProperty("events").EnumerateArray().ShouldNotContain(e => e.GetProperty("type").GetString() == "summary");
    }

    [Fact]
    public async Task A_transient_error_is_retried_within_the_request()
    {
        await using var app = await EasyMoApp.StartAsync(FastSummaries());
        app.OpenAi.Responder = (operation, _, attempt) => Task.FromResult(operation == "responses" && attempt == 1 ? 503 : 200);
        var callId = Events.NewCallId();
        var call = await AcceptAsync(app, callId, Events.NewRwandanNumber());
        await AddTranscriptAsync(app, call, (Speaker.Caller, "Ndashaka moto."));

        await EndAsync(app, callId);
        var summarised = await WaitForSummaryStatusAsync(app, callId, SummaryStatus.Done);

        app.OpenAi.For("responses").Count.ShouldBe(2);
        summarised.Summary.ShouldBe("Summary.");
        summarised.SummaryAttempts.ShouldBe(0);
    }

    [Fact]
    public async Task A_failed_attempt_is_tried_again_later_and_the_call_record_stays_intact_meanwhile()
    {
        // No retries inside the request: the first 500 fails the first attempt, the sweep makes the second.
        await using var app = await EasyMoApp.StartAsync(FastSummaries(("Summaries:RequestRetries", "0")));
        var secondAttempt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.OpenAi.Responder = async (operation, _, attempt) =>
        {
            if (operation != "responses")
            {
                return 200;
            }

            if (attempt == 1)
            {
                return 500;
            }

            await secondAttempt.Task.WaitAsync(TimeSpan.FromSeconds(20));
            return 200;
        };
        var callId = Events.NewCallId();
        var call = await AcceptAsync(app, callId, Events.NewRwandanNumber());
        await AddTranscriptAsync(app, call, (Speaker.Caller, "Ndashaka moto."), (Speaker.Agent, "Uri he?"));
        await EndAsync(app, callId);
        var ended = await FindAsync(app, callId);

        await Poll.UntilAsync(() => app.OpenAi.For("responses").Count == 2, "the second attempt");
        var meanwhile = await FindAsync(app, callId);
        secondAttempt.SetResult();
        var summarised = await WaitForSummaryStatusAsync(app, callId, SummaryStatus.Done);

        meanwhile.Status.ShouldBe(CallStatus.Ended);
        meanwhile.SummaryStatus.ShouldBe(SummaryStatus.Pending);
        meanwhile.SummaryAttempts.ShouldBe(1);
        meanwhile.Summary.ShouldBeNull();
        foreach (var seen in new[] { meanwhile, summarised })
        {
            seen.Status.ShouldBe(CallStatus.Ended);
            seen.EndReason.ShouldBe(ended.EndReason);
            seen.EndedAt.ShouldBe(ended.EndedAt);
            seen.AcceptedAt.ShouldBe(ended.AcceptedAt);
            seen.DurationSeconds.ShouldBe(ended.DurationSeconds);
            seen.Caller.ShouldBe(ended.Caller);
            seen.ProfileId.ShouldBe(ended.ProfileId);
            seen.Model.ShouldBe(ended.Model);
        }

        summarised.Summary.ShouldBe("Summary.");
        summarised.SummaryAttempts.ShouldBe(1);
        summarised.SummaryDueAt.ShouldBeNull();
        app.OpenAi.For("responses").Count.ShouldBe(2);
        app.Logs.Text.ShouldContain("\"Name\":\"CALL_SUMMARY_FAILED\"");
    }

    [Fact]
    public async Task A_summary_that_keeps_failing_is_given_up_after_MaxAttempts()
    {
        await using var app = await EasyMoApp.StartAsync(FastSummaries(("Summaries:MaxAttempts", "3"), ("Summaries:RequestRetries", "0")));
        app.OpenAi.Answer("responses", 500);
        var callId = Events.NewCallId();
        var call = await AcceptAsync(app, callId, Events.NewRwandanNumber());
        await AddTranscriptAsync(app, call, (Speaker.Caller, "Ndashaka moto."));

        await EndAsync(app, callId);
        var failed = await WaitForSummaryStatusAsync(app, callId, SummaryStatus.Failed);
        await Task.Delay(SweepInterval * 5, Ct); // a few more sweeps: nothing more is tried

        failed.SummaryAttempts.ShouldBe(3);
        failed.Summary.ShouldBeNull();
        failed.SummaryDueAt.ShouldBeNull();
        failed.Status.ShouldBe(CallStatus.Ended);
        app.OpenAi.For("responses").Count.ShouldBe(3);
        var logs = app.Logs.Text;
        logs.ShouldContain("\"Name\":\"CALL_SUMMARY_FAILED\"");
        logs.ShouldContain("\"Name\":\"CALL_SUMMARY_ABANDONED\"");
        logs.ShouldContain("HTTP 500");
    }

    [Fact]
    public async Task A_call_without_transcript_is_done_without_a_summary_and_without_asking_OpenAI()
    {
        await using var app = await EasyMoApp.StartAsync(FastSummaries());
        var callId = Events.NewCallId();
        var call = await AcceptAsync(app, callId, Events.NewRwandanNumber());
        await AddTranscriptAsync(app, call); // the caller consented, then nothing was said

        await EndAsync(app, callId);
        var done = await WaitForSummaryStatusAsync(app, callId, SummaryStatus.Done);

        done.Summary.ShouldBeNull();
        done.SummaryAttempts.ShouldBe(0);
        done.SummaryDueAt.ShouldBeNull();
        app.OpenAi.For("responses").ShouldBeEmpty();
        // The line is written after the row: wait for it rather than read the log at the moment the row changed.
        await Poll.UntilAsync(() => app.Logs.Text.Contains("\"Name\":\"CALL_SUMMARY_EMPTY\"", StringComparison.Ordinal), "the CALL_SUMMARY_EMPTY log line");
        app.Logs.Text.ShouldContain("\"Name\":\"CALL_SUMMARY_EMPTY\"");
    }

    [Fact]
    public async Task Two_instances_on_one_database_summarise_each_call_once()
    {
        await using var first = await EasyMoApp.StartAsync(FastSummaries());
        await using var second = await EasyMoApp.StartAsync(FastSummaries(), first.ConnectionString, first.OpenAi);
        first.OpenAi.Responder = async (operation, _, _) =>
        {
            if (operation == "responses")
            {
                await Task.Delay(150); // slow enough for the other instance's sweeps to find the calls claimed
            }

            return 200;
        };
        var callIds = Enumerable.Range(0, 6).Select(_ => Events.NewCallId()).ToArray();
        foreach (var callId in callIds)
        {
            var call = await AcceptAsync(first, callId, Events.NewRwandanNumber());
            await AddTranscriptAsync(first, call, (Speaker.Caller, "Ndashaka moto."), (Speaker.Agent, "Uri he?"));
        }

        await Task.WhenAll(callIds.Select((callId, i) => EndAsync(i % 2 == 0 ? first : second, callId)));
        foreach (var callId in callIds)
        {
            (await WaitForSummaryStatusAsync(first, callId, SummaryStatus.Done)).Summary.ShouldBe("Summary.");
        }

        await Task.Delay(SweepInterval * 5, Ct);

        first.OpenAi.For("responses").Count.ShouldBe(callIds.Length);
    }

    [Fact]
    public async Task With_summaries_disabled_an_ended_call_keeps_its_summary_pending()
    {
        await using var app = await EasyMoApp.StartAsync(FastSummaries(("Summaries:Enabled", "false")));
        var callId = Events.NewCallId();
        var call = await AcceptAsync(app, callId, Events.NewRwandanNumber());
        await AddTranscriptAsync(app, call, (Speaker.Caller, "Ndashaka moto."));

        await EndAsync(app, callId);
        await Task.Delay(SweepInterval * 5, Ct);

        (await FindAsync(app, callId)).SummaryStatus.ShouldBe(SummaryStatus.Pending);
        app.OpenAi.For("responses").ShouldBeEmpty();
    }

    [Fact]
    public async Task Unusable_summary_settings_stop_start_up()
    {
        var exception = await Should.ThrowAsync<OptionsValidationException>(async () =>
        {
            await using var app = await EasyMoApp.StartAsync(FastSummaries(("Summaries:MaxAttempts", "0")));
        });

        exception.Message.ShouldContain("Summaries:MaxAttempts");
    }
}
