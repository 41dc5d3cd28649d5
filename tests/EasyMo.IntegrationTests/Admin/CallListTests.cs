using static EasyMo.IntegrationTests.Admin.AdminSeed;

namespace EasyMo.IntegrationTests.Admin;

/// <summary><c>GET /api/calls</c>: filters, keyset paging, and 400 problems for bad query values.</summary>
public sealed class CallListTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);

    private EasyMoApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await EasyMoApp.StartAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Eleven calls; four share one start time so that only the call id orders them.</summary>
    private static SeedCall[] Calls() =>
    [
        new("rtc_a01", "ended", T0, DurationSeconds: 40, Caller: "+250788100001"),
        new("rtc_a02", "rejected", T0.AddMinutes(1), Caller: "+250788100002"),
        new("rtc_a03", "ended", T0.AddMinutes(2), Channel: "whatsapp", Language: "fr", DurationSeconds: 10, Caller: "+250788100001"),
        new("rtc_b01", "missed", T0.AddMinutes(3), Language: "rw"),
        new("rtc_b02", "accepted", T0.AddMinutes(3), Channel: "whatsapp", Caller: "+250788100003"),
        new("rtc_b03", "failed", T0.AddMinutes(3), Language: "fr", Caller: "+250788100001"),
        new("rtc_b04", "ended", T0.AddMinutes(3), DurationSeconds: 5),
        new("rtc_c01", "ended", T0.AddDays(1), Language: "rw", DurationSeconds: 70),
        new("rtc_c02", "ringing", T0.AddDays(1).AddMinutes(5)),
        new("rtc_c03", "ended", T0.AddDays(2), Channel: "whatsapp", DurationSeconds: 15, Caller: "+250788100002"),
        new("rtc_c04", "rejected", T0.AddDays(2).AddSeconds(1)),
    ];

    private static string[] NewestFirst(IEnumerable<SeedCall> calls) =>
        [.. calls.OrderByDescending(c => c.At).ThenByDescending(c => c.CallId, StringComparer.Ordinal).Select(c => c.CallId)];

    private async Task<List<string>> WalkAsync(HttpClient client, string query)
    {
        var seen = new List<string>();
        string? page = null;
        for (var pages = 0; pages < 50; pages++)
        {
            var url = "/api/calls?" + query + (page is null ? "" : "&page=" + Uri.EscapeDataString(page));
            var body = await client.GetFromJsonAsync<JsonElement>(url, Ct);
            seen.AddRange(body.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("callId").GetString()!));
            if (body.GetProperty("nextPage").ValueKind == JsonValueKind.Null)
            {
                return seen;
            }

            page = body.GetProperty("nextPage").GetString();
        }

        throw new InvalidOperationException("The walk did not end.");
    }

    [Fact]
    public async Task Keyset_paging_walks_every_call_once_newest_first_with_ties_broken_by_call_id()
    {
        var calls = Calls();
        await InsertAsync(_app.ConnectionString, calls);
        using var client = _app.Admin();

        var walked = await WalkAsync(client, "limit=3");

        walked.ShouldBe(NewestFirst(calls));
        walked.Count.ShouldBe(11);
    }

    [Fact]
    public async Task A_page_holds_the_contract_fields_and_the_last_page_has_no_next()
    {
        await InsertAsync(_app.ConnectionString, Calls());
        using var client = _app.Admin();

        var body = await client.GetFromJsonAsync<JsonElement>("/api/calls?limit=1", Ct);

        body.GetProperty("nextPage").GetString().ShouldNotBeNullOrEmpty();
        var item = body.GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        item.GetProperty("callId").GetString().ShouldBe("rtc_c04");
        item.GetProperty("status").GetString().ShouldBe("rejected");
        item.GetProperty("channel").GetString().ShouldBe("phone");
        item.GetProperty("language").GetString().ShouldBe("en");
        item.GetProperty("callee").GetString().ShouldBe("+250788000111");
        item.GetProperty("startedAt").GetDateTimeOffset().ShouldBe(T0.AddDays(2).AddSeconds(1));
        item.GetProperty("endReason").GetString().ShouldBe("blocked");
        foreach (var name in new[] { "caller", "trunk", "acceptedAt", "endedAt", "durationSeconds" })
        {
            item.GetProperty(name).ValueKind.ShouldBe(JsonValueKind.Null, name);
        }

        var all = await client.GetFromJsonAsync<JsonElement>("/api/calls?limit=200", Ct);
        all.GetProperty("items").GetArrayLength().ShouldBe(11);
        all.GetProperty("nextPage").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Theory]
    [InlineData("status=ended", "ended")]
    [InlineData("status=ENDED", "ended")]
    [InlineData("status=rejected", "rejected")]
    [InlineData("channel=whatsapp", "whatsapp")]
    [InlineData("language=fr", "fr")]
    [InlineData("language=rw", "rw")]
    public async Task Each_filter_narrows_the_list(string query, string expected)
    {
        var calls = Calls();
        await InsertAsync(_app.ConnectionString, calls);
        using var client = _app.Admin();

        var walked = await WalkAsync(client, query + "&limit=2");

        var want = NewestFirst(calls.Where(c => c.Status == expected || c.Channel == expected || c.Language == expected));
        want.Length.ShouldBeLessThan(calls.Length);
        want.Length.ShouldBeGreaterThan(1);
        walked.ShouldBe(want);
    }

    [Theory]
    [InlineData("caller=%2B250788100001")]
    [InlineData("caller=250788100001")]
    [InlineData("caller=+250788100001")] // '+' in a query string is a space: still the same number
    [InlineData("caller=%2B250%20788%20100%20001")]
    public async Task The_caller_filter_matches_the_normalised_number(string query)
    {
        var calls = Calls();
        await InsertAsync(_app.ConnectionString, calls);
        using var client = _app.Admin();

        var walked = await WalkAsync(client, query);

        walked.ShouldBe(NewestFirst(calls.Where(c => c.Caller == "+250788100001")));
        walked.Count.ShouldBe(3);
    }

    [Fact]
    public async Task From_is_inclusive_and_to_exclusive_with_instants_or_dates()
    {
        var calls = Calls();
        await InsertAsync(_app.ConnectionString, calls);
        using var client = _app.Admin();

        (await WalkAsync(client, "from=2026-11-21&to=2026-11-22"))
            .ShouldBe(["rtc_c02", "rtc_c01"]);
        (await WalkAsync(client, "from=2026-11-20T08:03:00Z&to=2026-11-21T08:00:00Z"))
            .ShouldBe(NewestFirst(calls.Where(c => c.At == T0.AddMinutes(3))));
        (await WalkAsync(client, "from=" + Uri.EscapeDataString("2026-11-22T10:00:00+02:00") + "&status=rejected"))
            .ShouldBe(["rtc_c04"]);
        (await WalkAsync(client, "from=2026-11-20&to=2026-11-21&channel=whatsapp&limit=1"))
            .ShouldBe(["rtc_b02", "rtc_a03"]);
    }

    [Theory]
    [InlineData("status=done", "status")]
    [InlineData("channel=sms", "channel")]
    [InlineData("language=de", "language")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=11/20/2026", "from")]
    [InlineData("to=2026-13-01", "to")]
    [InlineData("from=2026-11-22&to=2026-11-21", "to")]
    [InlineData("caller=abc", "caller")]
    [InlineData("caller=%2B123", "caller")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("page=%21%21%21", "page")]
    [InlineData("page=bm9uc2Vuc2U", "page")] // base64url of "nonsense": no time, no call id
    [InlineData("page=LTE6cnRj", "page")] // "-1:rtc"
    [InlineData("page=MTc2Mzk3NjAwMDAwMDAwMDo", "page")] // a time and no call id
    public async Task A_bad_query_value_is_a_400_problem_naming_it(string query, string parameter)
    {
        using var client = _app.Admin();

        using var response = await client.GetAsync("/api/calls?" + query, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("status").GetInt32().ShouldBe(400);
        var errors = problem.GetProperty("errors");
        errors.TryGetProperty(parameter, out var messages).ShouldBeTrue(errors.ToString());
        messages[0].GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task A_page_token_from_one_walk_continues_it_even_after_newer_calls_arrive()
    {
        await InsertAsync(_app.ConnectionString, Calls());
        using var client = _app.Admin();
        var first = await client.GetFromJsonAsync<JsonElement>("/api/calls?limit=4", Ct);

        await InsertAsync(_app.ConnectionString, new SeedCall("rtc_z99", "ended", T0.AddDays(5), DurationSeconds: 1));
        var second = await client.GetFromJsonAsync<JsonElement>("/api/calls?limit=4&page=" + first.GetProperty("nextPage").GetString(), Ct);

        second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("callId").GetString())
            .ShouldBe(["rtc_b04", "rtc_b03", "rtc_b02", "rtc_b01"]);
    }
}
