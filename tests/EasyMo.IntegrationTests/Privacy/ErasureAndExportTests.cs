using EasyMo.Domain.Calls;
using Microsoft.EntityFrameworkCore;
using static EasyMo.IntegrationTests.Privacy.PrivacyScenario;

namespace EasyMo.IntegrationTests.Privacy;

/// <summary>Issue 7 item 5: a person's requests — erase everything about me, tell me everything you hold about me.</summary>
public sealed class ErasureAndExportTests
{
    [Fact]
    public async Task Erasure_leaves_no_trace_of_the_number_in_any_table_keeps_pseudonymised_metadata_and_is_idempotent()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        var phone = Events.NewRwandanNumber();
        var other = Events.NewRwandanNumber();
        Seeded seeded;
        await using (var db = app.Db())
        {
            seeded = await SeedCallerAsync(db, phone, DateTimeOffset.UtcNow.AddDays(-3));
            await SeedCallerAsync(db, phone, DateTimeOffset.UtcNow.AddDays(-1), await db.Profiles.SingleAsync(p => p.Id == seeded.ProfileId, Ct));
            await SeedCallerAsync(db, other, DateTimeOffset.UtcNow.AddDays(-2));
            (await FindEverywhereAsync(db, phone[1..])).Count.ShouldBeGreaterThan(5); // the scan finds the number where it was
        }

        using var client = app.Admin();
        using var first = await client.DeleteAsync($"/api/profiles/{Uri.EscapeDataString(phone)}", Ct);
        using var second = await client.DeleteAsync($"/api/profiles/{Uri.EscapeDataString(phone)}", Ct);

        first.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        second.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var pseudonym = Pseudonyms().For(phone);
        await using var check = app.Db();
        (await FindEverywhereAsync(check, phone)).ShouldBeEmpty();
        (await FindEverywhereAsync(check, phone[1..])).ShouldBeEmpty();
        (await FindEverywhereAsync(check, "Aline Uwase")).ShouldAllBe(hit => hit.Contains("(1)", StringComparison.Ordinal)); // only the other caller's

        // The calls stay for statistics, under the pseudonym, without content.
        var calls = await check.Calls.AsNoTracking().Where(c => c.CallerPseudonym == pseudonym).ToListAsync(Ct);
        calls.Count.ShouldBe(2);
        calls.ShouldAllBe(c => c.Caller == null && c.CallerName == null && c.ProfileId == null && c.Summary == null && c.Status == CallStatus.Ended && c.DurationSeconds == 180);
        calls.ShouldAllBe(c => c.AnalysisService == null && c.AnalysisOutcome == null && c.AnalysisSentiment == null && c.AnalysisLanguage == null
            && c.AnalysisMisunderstood == null && c.AnalysisRepeated == null && c.AnalysisStatus == AnalysisStatus.Done);
        (await check.WhatsAppCalls.AsNoTracking().CountAsync(c => c.UserPseudonym == pseudonym && c.UserWaId == null, Ct)).ShouldBe(2);
        (await check.CallActivities.AsNoTracking().CountAsync(a => a.CallId == seeded.CallId, Ct)).ShouldBe(1);

        // The other caller is untouched.
        (await FindEverywhereAsync(check, other[1..])).Count.ShouldBeGreaterThan(5);
        (await check.Transcripts.CountAsync(Ct)).ShouldBe(2);

        // Audited without personal data, once per request.
        var audits = await check.PrivacyAudits.AsNoTracking().Where(a => a.Action == "erase").OrderBy(a => a.At).ToListAsync(Ct);
        audits.Count.ShouldBe(2);
        audits.ShouldAllBe(a => a.Subject == pseudonym && a.Actor.StartsWith("admin:") && !a.Actor.Contains(app.AdminToken));
        using var counts = JsonDocument.Parse(audits[0].Counts);
        counts.RootElement.GetProperty("call_transcripts").GetInt32().ShouldBe(4);
        counts.RootElement.GetProperty("profiles").GetInt32().ShouldBe(1);
        counts.RootElement.GetProperty("outbox_messages").GetInt32().ShouldBe(2);
        counts.RootElement.GetProperty("callbacks").GetInt32().ShouldBe(2);
        using var again = JsonDocument.Parse(audits[1].Counts);
        again.RootElement.GetProperty("profiles").GetInt32().ShouldBe(0);

        // The operators' view of a call still works after the erasure.
        var record = await client.GetFromJsonAsync<JsonElement>($"/api/calls/{seeded.OpenAiCallId}", Ct);
        record.GetProperty("status").GetString().ShouldBe("ended");
        record.GetProperty("transcript").GetArrayLength().ShouldBe(0);
        app.Logs.Text.ShouldNotContain(phone[4..]);

        // So do the list, its caller filter and the figures the dashboard draws: the erased calls still count.
        var byCaller = await client.GetFromJsonAsync<JsonElement>($"/api/calls?caller={Uri.EscapeDataString(phone)}", Ct);
        byCaller.GetProperty("items").GetArrayLength().ShouldBe(0);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/calls?limit=200", Ct);
        var erased = list.GetProperty("items").EnumerateArray().Single(item => item.GetProperty("callId").GetString() == seeded.OpenAiCallId);
        erased.GetProperty("caller").ValueKind.ShouldBe(JsonValueKind.Null);
        erased.GetProperty("status").GetString().ShouldBe("ended");
        var stats = await client.GetFromJsonAsync<JsonElement>("/api/stats/calls?days=7", Ct);
        stats.GetProperty("total").GetInt32().ShouldBe(3);
        stats.GetProperty("byStatus").GetProperty("ended").GetInt32().ShouldBe(3);
        stats.GetProperty("meanDurationSeconds").GetDouble().ShouldBe(180);
    }

    [Fact]
    public async Task Export_holds_every_tables_rows_about_the_caller_and_nothing_about_others()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        var phone = Events.NewRwandanNumber();
        var other = Events.NewRwandanNumber();
        await using (var db = app.Db())
        {
            var seeded = await SeedCallerAsync(db, phone, DateTimeOffset.UtcNow.AddDays(-3));
            await SeedCallerAsync(db, phone, DateTimeOffset.UtcNow.AddDays(-1), await db.Profiles.SingleAsync(p => p.Id == seeded.ProfileId, Ct));
            await SeedCallerAsync(db, other, DateTimeOffset.UtcNow.AddDays(-2));
        }

        using var client = app.Admin();
        using var response = await client.GetAsync($"/api/profiles/{Uri.EscapeDataString(phone)}/export", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var export = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        export.GetProperty("subject").GetString().ShouldBe(Pseudonyms().For(phone));
        var tables = export.GetProperty("tables");
        tables.EnumerateObject().Select(t => t.Name).ShouldBe(PersonalTables, ignoreOrder: true);
        var expected = new Dictionary<string, int>
        {
            ["profiles"] = 1, ["calls"] = 2, ["call_transcripts"] = 4, ["call_requests"] = 2, ["call_activities"] = 2,
            ["whatsapp_calls"] = 2, ["voice_notes"] = 2, ["call_recordings"] = 2, ["outbox_messages"] = 2,
            ["callbacks"] = 2,
        };
        foreach (var (table, count) in expected)
        {
            tables.GetProperty(table).GetArrayLength().ShouldBe(count, table);
        }

        var text = tables.GetRawText();
        text.ShouldContain(phone[1..]);
        text.ShouldNotContain(other[1..]);
        tables.GetProperty("calls")[0].GetProperty("caller").GetString().ShouldBe(phone);
        tables.GetProperty("calls")[0].GetProperty("analysis_outcome").GetString().ShouldBe("follow_up"); // the analysis is theirs too
        tables.GetProperty("calls")[0].GetProperty("analysis_service").GetString().ShouldBe("rides");
        tables.GetProperty("call_transcripts")[0].GetProperty("text").GetString().ShouldNotBeNull().ShouldContain(phone);

        await using var check = app.Db();
        var audit = await check.PrivacyAudits.AsNoTracking().SingleAsync(a => a.Action == "export", Ct);
        audit.Subject.ShouldBe(Pseudonyms().For(phone));
        audit.Counts.ShouldNotContain(phone[1..]);
    }

    [Fact]
    public async Task The_privacy_endpoints_need_the_admin_token_a_valid_number_and_the_pseudonym_key()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        await using var unconfigured = await EasyMoApp.StartAsync();
        var phone = Uri.EscapeDataString(Events.NewRwandanNumber());

        using var anonymous = await app.CreateClient().DeleteAsync($"/api/profiles/{phone}", Ct);
        using var client = app.Admin();
        using var bad = await client.GetAsync("/api/profiles/not-a-number/export", Ct);
        using var unknown = await client.DeleteAsync($"/api/profiles/{phone}", Ct);
        using var noKey = await unconfigured.Admin().DeleteAsync($"/api/profiles/{phone}", Ct);

        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        noKey.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }
}
