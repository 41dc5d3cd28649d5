using Microsoft.EntityFrameworkCore;
using EasyMo.Application.Features.Stats.GetCallStats;
using static EasyMo.IntegrationTests.Admin.AdminSeed;

namespace EasyMo.IntegrationTests.Admin;

/// <summary><c>GET /api/stats/calls</c> on seeded calls whose figures are worked out by hand.</summary>
public sealed class CallStatsTests : IAsyncLifetime
{
    private EasyMoApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await EasyMoApp.StartAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static DateTimeOffset Midnight(DateOnly day) => new(day, TimeOnly.MinValue, TimeSpan.Zero);

    [Fact]
    public async Task Three_days_of_calls_give_the_counts_rates_durations_and_live_calls_worked_out_by_hand()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var t = Midnight(today);
        var first = Midnight(today.AddDays(-2));
        await InsertAsync(_app.ConnectionString,
            // Today: two ended (20 s, 100 s), a rejection, a failure with its WhatsApp fallback, one live call.
            new SeedCall("rtc_t1", "ended", t, DurationSeconds: 20),
            new SeedCall("rtc_t2", "ended", t.AddMinutes(1), Language: "fr", DurationSeconds: 100),
            new SeedCall("rtc_t3", "rejected", t.AddMinutes(2), Channel: "whatsapp"),
            new SeedCall("rtc_t4", "failed", t.AddMinutes(3), Language: "rw", FallbackQueued: true),
            new SeedCall("rtc_t5", "accepted", t.AddMinutes(4), Channel: "whatsapp"),
            // Yesterday: nothing. The day before: a long ended call (700 s) and a missed one, the first at midnight.
            new SeedCall("rtc_d1", "ended", first, Language: "rw", DurationSeconds: 700),
            new SeedCall("rtc_d2", "missed", first.AddHours(23).AddMinutes(59)),
            // Outside the range: one second before it, and a call still live from last week (counted in liveNow only).
            new SeedCall("rtc_o1", "ended", first.AddSeconds(-1), DurationSeconds: 50),
            new SeedCall("rtc_o2", "accepted", first.AddDays(-5)));
        using var client = _app.Admin();

        var stats = await client.GetFromJsonAsync<JsonElement>("/api/stats/calls?days=3", Ct);

        stats.GetProperty("days").GetInt32().ShouldBe(3);
        stats.GetProperty("from").GetDateTimeOffset().ShouldBe(first);
        stats.GetProperty("to").GetDateTimeOffset().ShouldBe(Midnight(today.AddDays(1)));
        stats.GetProperty("total").GetInt32().ShouldBe(7);

        var days = stats.GetProperty("byDay").EnumerateArray().ToArray();
        days.Select(d => d.GetProperty("date").GetString()).ShouldBe([Iso(today.AddDays(-2)), Iso(today.AddDays(-1)), Iso(today)]);
        days.Select(d => d.GetProperty("total").GetInt32()).ShouldBe([2, 0, 5]);
        Counts(days[0].GetProperty("byStatus")).ShouldBe(Expected(("ended", 1), ("missed", 1)));
        Counts(days[1].GetProperty("byStatus")).ShouldBe(Expected());
        Counts(days[2].GetProperty("byStatus")).ShouldBe(Expected(("ended", 2), ("rejected", 1), ("failed", 1), ("accepted", 1)));

        Counts(stats.GetProperty("byStatus")).ShouldBe(Expected(("ended", 3), ("missed", 1), ("rejected", 1), ("failed", 1), ("accepted", 1)));
        Counts(stats.GetProperty("byLanguage")).ShouldBe("en=4 fr=1 rw=2");
        Counts(stats.GetProperty("byChannel")).ShouldBe("phone=5 whatsapp=2");

        // Answered: three ended and one live, over seven decided calls. One fallback over seven calls.
        stats.GetProperty("answerRate").GetDouble().ShouldBe(4.0 / 7, 1e-9);
        stats.GetProperty("fallbackRate").GetDouble().ShouldBe(1.0 / 7, 1e-9);
        stats.GetProperty("meanDurationSeconds").GetDouble().ShouldBe((20 + 100 + 700) / 3.0, 1e-9);
        // percentile_cont(0.9) of 20, 100, 700: position 0.9 × 2 = 1.8, so 100 + 0.8 × 600.
        stats.GetProperty("p90DurationSeconds").GetDouble().ShouldBe(580, 1e-9);
        stats.GetProperty("durationHistogram").EnumerateArray()
            .Select(b => (b.GetProperty("upToSeconds").ValueKind == JsonValueKind.Null ? (int?)null : b.GetProperty("upToSeconds").GetInt32(), b.GetProperty("count").GetInt32()))
            .ShouldBe([(30, 1), (60, 0), (120, 1), (300, 0), (600, 0), (null, 1)]);
        stats.GetProperty("liveNow").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task Each_days_caller_wait_is_the_p95_of_its_measured_calls_own_p95()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var t = Midnight(today);
        var yesterday = Midnight(today.AddDays(-1));
        await InsertAsync(_app.ConnectionString,
            new SeedCall("rtc_w1", "ended", t, DurationSeconds: 30),
            new SeedCall("rtc_w2", "ended", t.AddMinutes(1), DurationSeconds: 30),
            new SeedCall("rtc_w3", "ended", t.AddMinutes(2), DurationSeconds: 30),
            new SeedCall("rtc_w4", "ended", t.AddMinutes(3), DurationSeconds: 30), // not measured (not followed)
            new SeedCall("rtc_w5", "accepted", t.AddMinutes(4)), // live: not counted until it ends
            new SeedCall("rtc_y1", "ended", yesterday, DurationSeconds: 30));
        await using (var db = _app.Db())
        {
            foreach (var (callId, turns, p95) in new[] { ("rtc_w1", 4, 600), ("rtc_w2", 10, 1_400), ("rtc_w3", 2, 800), ("rtc_w5", 3, 5_000), ("rtc_y1", 6, 900) })
            {
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"UPDATE calls SET measured_turns = {turns}, turn_wait_p50_ms = {p95 / 2}, turn_wait_p95_ms = {p95}, turn_wait_max_ms = {p95} WHERE call_id = {callId}", Ct);
            }
        }

        using var client = _app.Admin();
        var stats = await client.GetFromJsonAsync<JsonElement>("/api/stats/calls?days=3", Ct);

        var waits = stats.GetProperty("waitsByDay").EnumerateArray()
            .Select(day => (day.GetProperty("date").GetString(), day.GetProperty("calls").GetInt32(), day.GetProperty("turns").GetInt32(), day.GetProperty("turnWaitP95Ms").GetInt32()))
            .ToArray();
        // Today: 600, 800, 1,400 → percentile_cont(0.95) at position 0.95 × 2 = 1.9: 800 + 0.9 × 600 = 1,340.
        waits.ShouldBe([(Iso(today.AddDays(-1)), 1, 6, 900), (Iso(today), 3, 16, 1_340)]);
    }

    [Fact]
    public async Task With_no_calls_every_day_is_there_with_zeroes_and_durations_are_null()
    {
        using var client = _app.Admin();

        var stats = (await client.GetFromJsonAsync<CallStatsReport>("/api/stats/calls", _app.Json, Ct)).ShouldNotBeNull();

        stats.Days.ShouldBe(7);
        stats.ByDay.Count.ShouldBe(7);
        stats.ByDay[6].Date.ShouldBe(DateOnly.FromDateTime(DateTime.UtcNow));
        stats.ByDay.ShouldAllBe(day => day.Total == 0);
        stats.Total.ShouldBe(0);
        stats.AnswerRate.ShouldBe(0);
        stats.MeanDurationSeconds.ShouldBeNull();
        stats.P90DurationSeconds.ShouldBeNull();
        stats.LiveNow.ShouldBe(0);
        (await client.GetFromJsonAsync<CallStatsReport>("/api/stats/calls?days=366", _app.Json, Ct)).ShouldNotBeNull().ByDay.Count.ShouldBe(366);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("367")]
    [InlineData("-1")]
    [InlineData("seven")]
    [InlineData("1.5")]
    public async Task Days_out_of_range_is_a_400_problem(string days)
    {
        using var client = _app.Admin();

        using var response = await client.GetAsync($"/api/stats/calls?days={days}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("days", out _).ShouldBeTrue();
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A count map as sorted <c>key=n</c> text, so that key order does not matter.</summary>
    private static string Counts(JsonElement map) =>
        Text(map.EnumerateObject().Select(property => (property.Name, property.Value.GetInt32())));

    private static string Text(IEnumerable<(string Key, int Count)> counts) =>
        string.Join(' ', counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Count}"));

    private static string Expected(params (string Status, int Count)[] counts)
    {
        var all = new[] { "ringing", "accepted", "rejected", "missed", "failed", "ended" }.ToDictionary(status => status, _ => 0);
        foreach (var (status, count) in counts)
        {
            all[status] = count;
        }

        return Text(all.Select(pair => (pair.Key, pair.Value)));
    }
}
