using EasyMo.Application.Features.Calls.RecordCallConsent;
using EasyMo.Application.Features.Calls.RecordTranscript;
using EasyMo.Domain.Calls;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static EasyMo.IntegrationTests.Privacy.PrivacyScenario;
using static EasyMo.IntegrationTests.Summaries.SummaryScenario;

namespace EasyMo.IntegrationTests.Privacy;

/// <summary>
/// An erasure and the work in flight for the same caller cannot undo each other (issue 15, review L8): a summary or an
/// analysis that was being made while the caller was erased is not written back, and a live call's next transcript turn is not stored.
/// </summary>
public sealed class ErasureRaceTests
{
    [Fact]
    public async Task A_summary_that_returns_after_the_erasure_is_not_written_back()
    {
        await using var app = await EasyMoApp.StartAsync(Settings(), FastSummaries());
        var summarizing = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        app.OpenAi.Responder = async (operation, _, _) =>
        {
            if (operation == "responses")
            {
                summarizing.TrySetResult();
                await release.Task; // OpenAI is still writing the summary…
            }

            return 200;
        };
        var caller = Events.NewRwandanNumber();
        var callId = Events.NewCallId();
        var call = await AcceptAsync(app, callId, caller);
        await AddTranscriptAsync(app, call, (Speaker.Caller, $"My number is {caller}, I need a moto."));
        await EndAsync(app, callId);
        await summarizing.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        using (var erased = await app.Admin().DeleteAsync($"/api/profiles/{Uri.EscapeDataString(caller)}", Ct))
        {
            erased.StatusCode.ShouldBe(HttpStatusCode.NoContent); // …while the caller is erased
        }

        release.SetResult();
        await Poll.UntilAsync(() => app.Logs.Text.Contains("CALL_SUMMARY_FORGOTTEN", StringComparison.Ordinal), "the summary to come back");
        var after = await FindAsync(app, callId);
        after.Summary.ShouldBeNull();
        after.SummaryStatus.ShouldBe(SummaryStatus.NotKept);
        after.Caller.ShouldBeNull();
        after.CallerPseudonym.ShouldNotBeNull();
    }

    [Fact]
    public async Task An_analysis_that_returns_after_the_erasure_is_not_written_back()
    {
        await using var app = await EasyMoApp.StartAsync(Settings(), FastSummaries());
        var analysing = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        app.OpenAi.Responder = async (operation, _, _) =>
        {
            if (operation == "analysis")
            {
                analysing.TrySetResult();
                await release.Task; // OpenAI is still reading the call…
            }

            return 200;
        };
        var caller = Events.NewRwandanNumber();
        var callId = Events.NewCallId();
        var call = await AcceptAsync(app, callId, caller);
        await AddTranscriptAsync(app, call, (Speaker.Caller, "Ndashaka imiti."));
        await EndAsync(app, callId);
        await analysing.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        using (var erased = await app.Admin().DeleteAsync($"/api/profiles/{Uri.EscapeDataString(caller)}", Ct))
        {
            erased.StatusCode.ShouldBe(HttpStatusCode.NoContent); // …while the caller is erased
        }

        release.SetResult();
        await Poll.UntilAsync(() => app.Logs.Text.Contains("CALL_ANALYSIS_FORGOTTEN", StringComparison.Ordinal), "the analysis to come back");
        var after = await FindAsync(app, callId);
        after.Analysis.ShouldBeNull();
        after.AnalysisOutcome.ShouldBeNull();
        after.AnalysisStatus.ShouldBe(AnalysisStatus.NotKept);
        after.CallerPseudonym.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_live_calls_turns_after_the_erasure_are_not_stored()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        var caller = Events.NewRwandanNumber();
        var callId = Events.NewCallId();
        var call = await AcceptAsync(app, callId, caller);
        await AddTranscriptAsync(app, call, (Speaker.Caller, "Before."));

        (await app.SendAsync(new RecordTranscriptCommand([new SpokenTurn(callId.AsCallId(), Speaker.Caller, "Still before.", "item_b", DateTimeOffset.UtcNow)]))).ShouldBe(1);
        (await app.Admin().DeleteAsync($"/api/profiles/{Uri.EscapeDataString(caller)}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var after = await app.SendAsync(new RecordTranscriptCommand([new SpokenTurn(callId.AsCallId(), Speaker.Caller, $"My number is {caller}.", "item_c", DateTimeOffset.UtcNow)]));

        after.ShouldBe(0);
        await using var db = app.Db();
        (await db.Transcripts.AsNoTracking().CountAsync(turn => turn.CallId == call.Id, Ct)).ShouldBe(0);
    }

    /// <summary>
    /// The transcript writer locks its calls <c>FOR KEY SHARE</c> (so that the calls' own updates do not queue behind a
    /// batch); a consent withdrawn while a batch holds the call must still wait for it and delete what it stored. The
    /// batch is held open here, at the point between its lock and its commit, on a connection of the test's own.
    /// </summary>
    [Fact]
    public async Task A_consent_withdrawn_while_a_transcript_batch_holds_the_call_deletes_that_batchs_turns()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        var caller = Events.NewRwandanNumber();
        var callId = Events.NewCallId();
        var call = await AcceptAsync(app, callId, caller);
        await AddTranscriptAsync(app, call, (Speaker.Caller, "Before."));

        await using var batch = new NpgsqlConnection(app.ConnectionString);
        await batch.OpenAsync(Ct);
        await using var transaction = await batch.BeginTransactionAsync(Ct);
        await using (var locked = new NpgsqlCommand(
            """
            SELECT 1 FROM calls WHERE id = @id AND consent = 'granted' FOR KEY SHARE;
            INSERT INTO call_transcripts (id, call_id, sequence, speaker, text, item_id, at)
            VALUES (gen_random_uuid(), @id, 100, 'caller', 'My number is on its way.', 'item_in_flight', now());
            """,
            batch,
            transaction))
        {
            locked.Parameters.AddWithValue("id", call.Id);
            await locked.ExecuteNonQueryAsync(Ct);
        }

        var withdrawal = app.SendAsync(new RecordCallConsentCommand(callId.AsCallId(), Granted: false, ConsentSource.Voice));
        for (var waited = 0; waited < 100 && !withdrawal.IsCompleted && await WaitingLocksAsync(app) == 0; waited++)
        {
            await Task.Delay(50, Ct); // until the withdrawal waits for the batch's lock (or, wrongly, has not waited at all)
        }

        withdrawal.IsCompleted.ShouldBeFalse("the withdrawal waits for the transcript batch that holds the call");

        await transaction.CommitAsync(Ct);
        (await withdrawal.WaitAsync(TimeSpan.FromSeconds(15), Ct)).ShouldBe(EasyMo.Domain.Privacy.Consent.Denied);

        await using var db = app.Db();
        (await db.Transcripts.AsNoTracking().CountAsync(turn => turn.CallId == call.Id, Ct)).ShouldBe(0, "the batch's turn is deleted with the others");
    }

    private static async Task<long> WaitingLocksAsync(EasyMoApp app)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE NOT granted", connection);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
