using EasyMo.Application.Features.Calls;
using EasyMo.Domain.Calls;
using NJsonSchema;
using static EasyMo.IntegrationTests.Summaries.SummaryScenario;

namespace EasyMo.IntegrationTests.Summaries;

/// <summary>
/// Issue 18 part 2: after a consented call, besides the summary, one Responses API request with a strict JSON-schema
/// structured output reads the call (service, outcome, sentiment, language, misunderstood, repeated) into the call's
/// columns; retried like a summary, never made without consent, filterable and counted for operators.
/// </summary>
public sealed class CallAnalysisTests
{
    private static readonly Lazy<Task<JsonSchema>> CreateResponse = new(() =>
        JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "CreateResponse.schema.json")));

    [Fact]
    public async Task The_analysis_is_asked_with_a_strict_json_schema_body_that_validates_against_CreateResponse_and_stored_as_columns()
    {
        await using var app = await EasyMoApp.StartAsync(FastSummaries());
        app.OpenAi.AnalysisBody = _ => FakeOpenAi.ResponseWithText(
            """{"service":"rides","outcome":"follow_up","sentiment":"negative","language":"fr","misunderstood":true,"repeated":false}""");
        var callId = Events.NewCallId();
        var call = await AcceptAsync(app, callId, Events.NewRwandanNumber());
        await AddTranscriptAsync(app, call, (Speaker.Agent, "Muraho, nitwa EasyMO."), (Speaker.Caller, "Je cherche une moto à Kimironko."));

        await EndAsync(app, callId);
        var analysed = await WaitForAnalysisStatusAsync(app, callId, AnalysisStatus.Done);
        await WaitForSummaryStatusAsync(app, callId, SummaryStatus.Done); // the summary is made too, by its own request

        analysed.AnalysisService.ShouldBe("rides");
        analysed.AnalysisOutcome.ShouldBe(CallOutcome.FollowUp);
        analysed.AnalysisSentiment.ShouldBe(CallerSentiment.Negative);
        analysed.AnalysisLanguage.ShouldBe(SpokenLanguage.Fr);
        analysed.AnalysisMisunderstood.ShouldBe(true);
        analysed.AnalysisRepeated.ShouldBe(false);
        analysed.AnalysisAttempts.ShouldBe(0);
        analysed.AnalysisDueAt.ShouldBeNull();
        analysed.AnalysisSettledAt.ShouldNotBeNull();

        var request = app.OpenAi.For("analysis").ShouldHaveSingleItem();
        app.OpenAi.For("responses").ShouldHaveSingleItem(); // the summary's
        var errors = (await CreateResponse.Value).Validate(request.Body);
        errors.ShouldBeEmpty(string.Join("; ", errors.Select(error => $"{error.Path}: {error.Kind}")));

        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        root.GetProperty("model").GetString().ShouldBe("gpt-4o-mini");
        root.GetProperty("store").GetBoolean().ShouldBeFalse();
        root.GetProperty("input").GetString().ShouldBe("Agent: Muraho, nitwa EasyMO.\nCaller: Je cherche une moto à Kimironko.");
        var format = root.GetProperty("text").GetProperty("format");
        format.GetProperty("type").GetString().ShouldBe("json_schema");
        format.GetProperty("strict").GetBoolean().ShouldBeTrue();

        // Strict structured outputs take a closed object whose every property is required.
        var schema = format.GetProperty("schema");
        schema.GetProperty("additionalProperties").GetBoolean().ShouldBeFalse();
        var properties = schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToArray();
        properties.ShouldBe(["service", "outcome", "sentiment", "language", "misunderstood", "repeated"], ignoreOrder: true);
        schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ShouldBe(properties!, ignoreOrder: true);
        Enum(schema, "outcome").ShouldBe(["resolved", "follow_up", "not_resolved"]);
        Enum(schema, "sentiment").ShouldBe(["positive", "neutral", "negative"]);
        Enum(schema, "language").ShouldBe(["en", "fr", "rw", "other"]);

        // The services are the ones record_request offers the agent.
        var recordRequest = AgentTools.All.Single(tool => tool.Name == AgentTools.RecordRequest);
        using var tool = JsonDocument.Parse(recordRequest.ParametersSchema);
        Enum(schema, "service").ShouldBe(Enum(tool.RootElement, "service"));
        Enum(schema, "service").ShouldContain("pharmacy");
    }

    [Theory]
    [InlineData("""{"model":"m","input":"x","response_format":{"type":"json_schema"}}""", "response_format")] // Chat Completions' field
    [InlineData("""{"model":"m","input":"x","text":{"format":{"type":"json_schema","schema":{}}}}""", "format")] // no name
    [InlineData("""{"model":"m","input":"x","text":{"format":{"type":"json_schema","name":"call analysis","schema":{}}}}""", "format")] // not a name
    [InlineData("""{"model":"m","input":"x","text":{"format":{"type":"json_schema","name":"a","json_schema":{}}}}""", "format")] // misplaced schema
    [InlineData("""{"model":"m","input":"x","max_output_tokens":8}""", "max_output_tokens")]
    public async Task The_CreateResponse_schema_refuses_bodies_OpenAI_would_refuse(string body, string property)
    {
        var errors = (await CreateResponse.Value).Validate(body);

        errors.ShouldNotBeEmpty();
        errors.Select(error => error.Path ?? string.Empty).ShouldContain(path => path.Contains(property, StringComparison.Ordinal), string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Fact]
    public async Task The_admin_API_shows_the_analysis_and_filters_the_list_by_it()
    {
        await using var app = await EasyMoApp.StartAsync(FastSummaries());
        var (resolved, followUp) = (Events.NewCallId(), Events.NewCallId());
        app.OpenAi.AnalysisBody = body => FakeOpenAi.ResponseWithText(body.Contains("moto", StringComparison.Ordinal)
            ? """{"service":"rides","outcome":"follow_up","sentiment":"neutral","language":"rw","misunderstood":false,"repeated":true}"""
            : FakeOpenAi.DefaultAnalysis);
        await AnsweredAsync(app, resolved, "Ndashaka imiti.");
        await AnsweredAsync(app, followUp, "Ndashaka moto.");
        var unconsented = Events.NewCallId();
        await AcceptAsync(app, unconsented, Events.NewRwandanNumber());
        await EndAsync(app, unconsented);
        using var client = app.Admin();

        var details = await client.GetFromJsonAsync<JsonElement>($"/api/calls/{resolved}", Ct);
        details.GetProperty("analysisStatus").GetString().ShouldBe("done");
        var analysis = details.GetProperty("analysis");
        analysis.GetProperty("service").GetString().ShouldBe("pharmacy");
        analysis.GetProperty("outcome").GetString().ShouldBe("resolved");
        analysis.GetProperty("sentiment").GetString().ShouldBe("positive");
        analysis.GetProperty("language").GetString().ShouldBe("rw");
        analysis.GetProperty("misunderstood").GetBoolean().ShouldBeFalse();
        var none = await client.GetFromJsonAsync<JsonElement>($"/api/calls/{unconsented}", Ct);
        none.GetProperty("analysisStatus").GetString().ShouldBe("not_kept");
        none.GetProperty("analysis").ValueKind.ShouldBe(JsonValueKind.Null);

        (await ListAsync(client, "outcome=resolved")).ShouldBe([resolved]);
        (await ListAsync(client, "outcome=follow_up")).ShouldBe([followUp]);
        (await ListAsync(client, "outcome=not_resolved")).ShouldBeEmpty();
        (await ListAsync(client, "service=rides")).ShouldBe([followUp]);
        (await ListAsync(client, "sentiment=positive&service=pharmacy")).ShouldBe([resolved]);
        (await ListAsync(client, "sentiment=NEUTRAL")).ShouldBe([followUp]);
        var all = await client.GetFromJsonAsync<JsonElement>("/api/calls", Ct);
        var row = all.GetProperty("items").EnumerateArray().Single(item => item.GetProperty("callId").GetString() == followUp);
        row.GetProperty("outcome").GetString().ShouldBe("follow_up");
        row.GetProperty("service").GetString().ShouldBe("rides");
        row.GetProperty("sentiment").GetString().ShouldBe("neutral");
    }

    [Fact]
    public async Task The_stats_count_resolution_by_day_and_by_service_and_sentiment_over_analysed_calls()
    {
        await using var app = await EasyMoApp.StartAsync(FastSummaries());
        app.OpenAi.AnalysisBody = body => FakeOpenAi.ResponseWithText(body.Contains("moto", StringComparison.Ordinal)
            ? """{"service":"rides","outcome":"follow_up","sentiment":"neutral","language":"rw","misunderstood":false,"repeated":true}"""
            : FakeOpenAi.DefaultAnalysis);
        await AnsweredAsync(app, Events.NewCallId(), "Ndashaka imiti.");
        await AnsweredAsync(app, Events.NewCallId(), "Ndashaka moto.");
        var unconsented = Events.NewCallId();
        await AcceptAsync(app, unconsented, Events.NewRwandanNumber());
        await EndAsync(app, unconsented);
        using var client = app.Admin();

        // The figures: resolution by day and by service, and sentiment, over the analysed calls only.
        var stats = (await client.GetFromJsonAsync<JsonElement>("/api/stats/calls?days=1", Ct)).GetProperty("analysis");
        stats.GetProperty("analysed").GetInt32().ShouldBe(2);
        stats.GetProperty("resolutionRate").GetDouble().ShouldBe(0.5);
        var day = stats.GetProperty("byDay").EnumerateArray().ShouldHaveSingleItem();
        day.GetProperty("date").GetString().ShouldBe(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        (day.GetProperty("resolved").GetInt32(), day.GetProperty("followUp").GetInt32(), day.GetProperty("notResolved").GetInt32()).ShouldBe((1, 1, 0));
        stats.GetProperty("byService").EnumerateArray()
            .Select(s => (s.GetProperty("service").GetString(), s.GetProperty("analysed").GetInt32(), s.GetProperty("resolutionRate").GetDouble()))
            .ShouldBe([("pharmacy", 1, 1.0), ("rides", 1, 0.0)], ignoreOrder: true);
        var sentiment = stats.GetProperty("bySentiment");
        (sentiment.GetProperty("positive").GetInt32(), sentiment.GetProperty("neutral").GetInt32(), sentiment.GetProperty("negative").GetInt32()).ShouldBe((1, 1, 0));
    }

    [Theory]
    [InlineData("outcome=solved", "outcome")]
    [InlineData("service=taxi", "service")]
    [InlineData("sentiment=angry", "sentiment")]
    [InlineData("sentiment=%00", "sentiment")]
    public async Task A_bad_analysis_filter_is_a_400_problem_naming_it(string query, string parameter)
    {
        await using var app = await EasyMoApp.StartAsync();
        using var client = app.Admin();

        using var response = await client.GetAsync("/api/calls?" + query, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        errors.TryGetProperty(parameter, out var messages).ShouldBeTrue(errors.ToString());
        messages[0].GetString().ShouldNotBeNullOrWhiteSpace();
    }

    public static TheoryData<string, string> UnusableAnswers => new()
    {
        { "not JSON", FakeOpenAi.ResponseWithText("The caller wanted a moto.") },
        { "a refusal", FakeOpenAi.ResponseWithRefusal("I'm sorry, I can't help with that.") },
        { "an unknown outcome", FakeOpenAi.ResponseWithText("""{"service":"rides","outcome":"maybe","sentiment":"neutral","language":"rw","misunderstood":false,"repeated":false}""") },
        { "an unknown service", FakeOpenAi.ResponseWithText("""{"service":"taxi","outcome":"resolved","sentiment":"neutral","language":"rw","misunderstood":false,"repeated":false}""") },
        { "a missing property", FakeOpenAi.ResponseWithText("""{"service":"rides","outcome":"resolved","sentiment":"neutral","language":"rw","misunderstood":false}""") },
        { "a string for a boolean", FakeOpenAi.ResponseWithText("""{"service":"rides","outcome":"resolved","sentiment":"neutral","language":"rw","misunderstood":"no","repeated":false}""") },
        { "an extra property", FakeOpenAi.ResponseWithText("""{"service":"rides","outcome":"resolved","sentiment":"neutral","language":"rw","misunderstood":false,"repeated":false,"note":"x"}""") },
    };

    [Theory]
    [MemberData(nameof(UnusableAnswers))]
    public async Task An_unusable_answer_is_retried_then_given_up_without_touching_the_summary(string what, string answer)
    {
        await using var app = await EasyMoApp.StartAsync(FastSummaries(("Summaries:MaxAttempts", "3"), ("Summaries:RequestRetries", "0")));
        app.OpenAi.AnalysisBody = _ => answer;
        var callId = Events.NewCallId();
        await AnsweredAsync(app, callId, "Ndashaka moto.");

        var failed = await WaitForAnalysisStatusAsync(app, callId, AnalysisStatus.Failed);
        await Task.Delay(SweepInterval * 5, Ct); // a few more sweeps: nothing more is tried

        failed.AnalysisAttempts.ShouldBe(3, what);
        failed.AnalysisDueAt.ShouldBeNull();
        failed.AnalysisSettledAt.ShouldNotBeNull();
        failed.AnalysisOutcome.ShouldBeNull();
        failed.AnalysisService.ShouldBeNull();
        app.OpenAi.For("analysis").Count.ShouldBe(3);
        var summarised = await WaitForSummaryStatusAsync(app, callId, SummaryStatus.Done);
        summarised.Summary.ShouldBe("Summary.");
        summarised.SummaryAttempts.ShouldBe(0);
        await Poll.UntilAsync(() => app.Logs.Text.Contains("\"Name\":\"CALL_ANALYSIS_ABANDONED\"", StringComparison.Ordinal), "the CALL_ANALYSIS_ABANDONED log line");
        app.Logs.Text.ShouldContain("\"Name\":\"CALL_ANALYSIS_FAILED\"");
        app.Logs.Text.ShouldNotContain("I'm sorry"); // the model's words are not logged
    }

    [Fact]
    public async Task A_refusal_then_an_analysis_is_stored_on_the_second_attempt()
    {
        await using var app = await EasyMoApp.StartAsync(FastSummaries(("Summaries:RequestRetries", "0")));
        var answers = 0;
        app.OpenAi.AnalysisBody = _ => Interlocked.Increment(ref answers) == 1
            ? FakeOpenAi.ResponseWithRefusal("No.")
            : FakeOpenAi.ResponseWithText(FakeOpenAi.DefaultAnalysis);
        var callId = Events.NewCallId();
        await AnsweredAsync(app, callId, "Ndashaka imiti.");

        var analysed = await WaitForAnalysisStatusAsync(app, callId, AnalysisStatus.Done);

        analysed.AnalysisAttempts.ShouldBe(1);
        analysed.AnalysisOutcome.ShouldBe(CallOutcome.Resolved);
        app.OpenAi.For("analysis").Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_failing_summary_does_not_hold_up_the_analysis()
    {
        await using var app = await EasyMoApp.StartAsync(FastSummaries(("Summaries:MaxAttempts", "2"), ("Summaries:RequestRetries", "0")));
        app.OpenAi.Answer("responses", 500);
        var callId = Events.NewCallId();
        await AnsweredAsync(app, callId, "Ndashaka imiti.");

        var analysed = await WaitForAnalysisStatusAsync(app, callId, AnalysisStatus.Done);
        var failed = await WaitForSummaryStatusAsync(app, callId, SummaryStatus.Failed);

        analysed.AnalysisService.ShouldBe("pharmacy");
        failed.Summary.ShouldBeNull();
    }

    [Fact]
    public async Task A_call_without_consent_gets_no_analysis_and_no_request()
    {
        await using var app = await EasyMoApp.StartAsync(FastSummaries());
        var callId = Events.NewCallId();
        await AcceptAsync(app, callId, Events.NewRwandanNumber()); // consent never given

        await EndAsync(app, callId);
        await Task.Delay(SweepInterval * 5, Ct);

        var call = await FindAsync(app, callId);
        call.AnalysisStatus.ShouldBe(AnalysisStatus.NotKept);
        call.AnalysisDueAt.ShouldBeNull();
        call.Analysis.ShouldBeNull();
        app.OpenAi.For("analysis").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_call_without_transcript_is_done_without_an_analysis_and_without_asking_OpenAI()
    {
        await using var app = await EasyMoApp.StartAsync(FastSummaries());
        var callId = Events.NewCallId();
        var call = await AcceptAsync(app, callId, Events.NewRwandanNumber());
        await AddTranscriptAsync(app, call); // consented, then nothing was said

        await EndAsync(app, callId);
        var done = await WaitForAnalysisStatusAsync(app, callId, AnalysisStatus.Done);

        done.Analysis.ShouldBeNull();
        app.OpenAi.For("analysis").ShouldBeEmpty();
    }

    private static string?[] Enum(JsonElement schema, string property) =>
        [.. schema.GetProperty("properties").GetProperty(property).GetProperty("enum").EnumerateArray().Select(value => value.GetString())];

    private static async Task AnsweredAsync(EasyMoApp app, string callId, string said)
    {
        var call = await AcceptAsync(app, callId, Events.NewRwandanNumber());
        await AddTranscriptAsync(app, call, (Speaker.Caller, said), (Speaker.Agent, "Nibyo."));
        await EndAsync(app, callId);
        await WaitForAnalysisStatusAsync(app, callId, AnalysisStatus.Done, allowOther: true);
    }

    private static async Task<string?[]> ListAsync(HttpClient client, string query) =>
        [.. (await client.GetFromJsonAsync<JsonElement>("/api/calls?" + query, Ct)).GetProperty("items").EnumerateArray().Select(item => item.GetProperty("callId").GetString())];

    /// <summary>Polls until the call's analysis is <paramref name="status"/>; with <paramref name="allowOther"/>, until it is settled at all.</summary>
    private static async Task<Call> WaitForAnalysisStatusAsync(EasyMoApp app, string callId, AnalysisStatus status, bool allowOther = false)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var call = await FindAsync(app, callId);
            if (call.AnalysisStatus == status || (allowOther && call.AnalysisStatus is AnalysisStatus.Done or AnalysisStatus.Failed))
            {
                return call;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new ShouldAssertException($"Call {callId}'s analysis is {call.AnalysisStatus} after {call.AnalysisAttempts} attempts, not {status}.");
            }

            await Task.Delay(50, Ct);
        }
    }
}
