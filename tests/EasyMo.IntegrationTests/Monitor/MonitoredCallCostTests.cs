using EasyMo.Application.Features.Calls.RecordTranscript;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Privacy;
using EasyMo.IntegrationTests.Metrics;
using Microsoft.EntityFrameworkCore;
using static EasyMo.IntegrationTests.Monitor.MonitorTestKit;

namespace EasyMo.IntegrationTests.Monitor;

/// <summary>
/// What following a call costs the database (issue 17), counted from the statements Npgsql sends to the test's own
/// database: a call this instance decided is followed without a claim or a read of its own, its turns are written in
/// batches, and its end is one statement; a stored call that changed behind the monitor's back is still ended right.
/// Its metrics are read with the other metric tests, not beside other hosts (the meter is named the same in each).
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class MonitoredCallCostTests
{
    [Fact]
    public async Task A_decided_call_is_followed_without_claiming_or_reading_it_and_its_end_is_one_statement()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(new { type = "response.output_audio_transcript.done", item_id = "item_1", transcript = "Muraho, nabafasha iki?" });
            await session.SendAsync(new { type = "conversation.item.input_audio_transcription.completed", item_id = "item_2", transcript = "Ndashaka moto." });
            await session.SendAsync(new { type = "response.output_audio_transcript.done", item_id = "item_3", transcript = "Murajya he?" });
            await Task.Delay(300);
            await session.CloseAsync();
        };
        var before = await Scrape.TakeAsync(app);
        using var sql = new SqlRecorder(app.ConnectionString);

        var callId = await AcceptConsentingCallAsync(app);
        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);
        await Task.Delay(300, Ct);

        // The service's own statements for this call: not the periodic ones of any instance (leases, sweeps, retention),
        // not this test's polling (its single-row reads, LIMIT 2), not the test's own profile insert.
        var statements = sql.Statements
            .Where(s => !s.Contains("work_leases", StringComparison.Ordinal) && !s.Contains("LIMIT 2", StringComparison.Ordinal)
                && !s.Contains("@cutoff", StringComparison.Ordinal) && !s.Contains("outbox_messages", StringComparison.Ordinal)
                && !s.StartsWith("INSERT INTO profiles", StringComparison.Ordinal) && !s.StartsWith("CONNECT", StringComparison.Ordinal)
                && !s.Contains("summary_status = 'pending' AND summary_due_at <= now()", StringComparison.Ordinal)
                && !s.Contains("analysis_status = 'pending'", StringComparison.Ordinal)
                && !s.StartsWith("SELECT pg_notify", StringComparison.Ordinal)) // the live view's, per instance and 100 ms
            .ToList();
        var listing = string.Join("\n", statements);

        // The decision's outcome names the follower in the same UPDATE; nothing claims, releases or re-reads the call.
        statements.Count(s => s.StartsWith("UPDATE calls SET accepted_at", StringComparison.Ordinal) && s.Contains("monitor_owner", StringComparison.Ordinal))
            .ShouldBe(1, listing);
        statements.ShouldNotContain(s => s.Contains("SET monitor_owner", StringComparison.Ordinal), listing);
        statements.ShouldNotContain(s => s.StartsWith("SELECT c.id, c.accepted_at", StringComparison.Ordinal), listing);

        // Three turns in at most three batches (they arrive together, so usually one), and one end.
        statements.Count(s => s.Contains("INSERT INTO call_transcripts", StringComparison.Ordinal)).ShouldBeInRange(1, 3, listing);
        statements.Count(s => s.StartsWith("UPDATE calls SET status = 'ended'", StringComparison.Ordinal)).ShouldBe(1, listing);
        statements.Last().ShouldStartWith("UPDATE calls SET status = 'ended'", Case.Sensitive, listing);

        call.EndReason.ShouldBe(CallEndReason.CallerHangup);
        call.SummaryStatus.ShouldBe(SummaryStatus.Pending);
        await using var db = app.Db();
        (await db.Transcripts.AsNoTracking().Where(t => t.CallId == call.Id).OrderBy(t => t.Sequence).Select(t => t.ItemId).ToListAsync(Ct))
            .ShouldBe(["item_1", "item_2", "item_3"]);
        (await db.Calls.AsNoTracking().Where(c => c.Id == call.Id).Select(c => EF.Property<string?>(c, "MonitorOwner")).SingleAsync(Ct))
            .ShouldBeNull("the end lets the follower go");

        // Each stored turn's lag, from the socket to the commit, is measured.
        var after = await Scrape.TakeAsync(app);
        (after.Value("easymo_transcript_store_lag_seconds_count") - before.Value("easymo_transcript_store_lag_seconds_count")).ShouldBe(3, after.Text);
    }

    [Fact]
    public async Task Long_messages_no_session_reads_are_dropped_and_the_turns_between_them_still_stored()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        var audio = Convert.ToBase64String(new byte[600_000]); // 800 KB of base64: many receive buffers
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(new { type = "response.output_audio.delta", item_id = "item_1", delta = audio });
            await session.SendAsync(new { type = "response.output_audio_transcript.done", item_id = "item_1", transcript = "Muraho." });
            await session.SendAsync(new { type = "response.output_audio.delta", item_id = "item_2", delta = audio });
            await session.SendAsync(new { type = "conversation.item.input_audio_transcription.completed", item_id = "item_2", transcript = "Ndashaka akazi." });
            await Task.Delay(200);
            await session.CloseAsync();
        };

        var call = await WaitForCallAsync(app, await AcceptConsentingCallAsync(app), c => c.Status == CallStatus.Ended);

        call.EndReason.ShouldBe(CallEndReason.CallerHangup);
        await using var db = app.Db();
        (await db.Transcripts.AsNoTracking().Where(t => t.CallId == call.Id).OrderBy(t => t.Sequence).Select(t => t.Text).ToListAsync(Ct))
            .ShouldBe(["Muraho.", "Ndashaka akazi."]);
    }

    [Fact]
    public async Task Turns_of_several_calls_are_stored_in_one_statement_in_order_once_and_only_with_consent()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        var first = await WaitForCallAsync(app, await AcceptConsentingCallAsync(app), c => c.Status == CallStatus.Accepted);
        var second = await WaitForCallAsync(app, await AcceptConsentingCallAsync(app), c => c.Status == CallStatus.Accepted);
        var unconsented = await WaitForCallAsync(app, await AcceptCallAsync(app), c => c.Status == CallStatus.Accepted);
        var at = DateTimeOffset.UtcNow;
        SpokenTurn Turn(Call call, Speaker speaker, string text, string item) => new(call.CallId, speaker, text, item, at);

        using var sql = new SqlRecorder(app.ConnectionString);
        var stored = await app.SendAsync(new RecordTranscriptCommand(
        [
            Turn(first, Speaker.Agent, "Muraho.", "a1"),
            Turn(second, Speaker.Agent, "Bonjour.", "b1"),
            Turn(first, Speaker.Caller, "Ndashaka inzu.", "a2"),
            Turn(unconsented, Speaker.Caller, "Not to be kept.", "c1"),
            Turn(first, Speaker.Caller, "Ndashaka inzu.", "a2"), // the same event seen twice
            Turn(second, Speaker.Caller, "Je cherche un travail.", "b2"),
            Turn(first, Speaker.Agent, "   ", "a3"), // nothing said
        ]));
        var more = await app.SendAsync(new RecordTranscriptCommand([Turn(first, Speaker.Agent, "Ahantu he?", "a4"), Turn(first, Speaker.Caller, "Ndashaka inzu.", "a2")]));

        stored.ShouldBe(4);
        more.ShouldBe(1);
        sql.Statements.Count(s => s.Contains("INSERT INTO call_transcripts", StringComparison.Ordinal)).ShouldBe(2, string.Join("\n", sql.Statements));

        await using var db = app.Db();
        async Task<List<(int, Speaker, string)>> TurnsOf(Call call) =>
            (await db.Transcripts.AsNoTracking().Where(t => t.CallId == call.Id).OrderBy(t => t.Sequence).ToListAsync(Ct))
            .Select(t => (t.Sequence, t.Speaker, t.ItemId)).ToList();
        (await TurnsOf(first)).ShouldBe([(1, Speaker.Agent, "a1"), (2, Speaker.Caller, "a2"), (3, Speaker.Agent, "a4")]);
        (await TurnsOf(second)).ShouldBe([(1, Speaker.Agent, "b1"), (2, Speaker.Caller, "b2")]);
        (await TurnsOf(unconsented)).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_end_whose_stored_call_changed_meanwhile_is_recorded_from_the_stored_call()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        var hangUp = new TaskCompletionSource();
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await hangUp.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await session.CloseAsync();
        };

        // The monitor knows a caller who was not asked yet; the stored call's consent changes behind its back.
        var callId = await AcceptCallAsync(app);
        await app.OpenAi.WaitForSessionAsync(callId);
        await using (var db = app.Db())
        {
            (await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE calls SET consent = 'granted' WHERE call_id = {callId}", Ct)).ShouldBe(1);
        }

        hangUp.SetResult();
        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);

        // The one-statement end did not match (consent differs) and wrote nothing; the end read the call and kept its consent.
        call.EndReason.ShouldBe(CallEndReason.CallerHangup);
        call.Consent.ShouldBe(Consent.Granted);
        call.SummaryStatus.ShouldBe(SummaryStatus.Pending);
        call.SummaryDueAt.ShouldNotBeNull();
    }
}
