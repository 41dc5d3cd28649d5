using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasyMo.IntegrationTests.Monitor;

/// <summary>
/// The transcript batch (<see cref="ICallStore.AppendTranscriptAsync"/>) finds its calls by their call id whatever the
/// planner's statistics say. In the bench the calls had been analysed before their callers answered the consent
/// question: the planner then expected one consented call, scanned all of them once per batch and compared each with
/// every turn, and the monitor's one writer fell 10–15 s behind.
/// </summary>
public sealed class TranscriptBatchPlanTests
{
    private const int Calls = 8_000;
    private const int Live = 400;

    [Fact]
    public async Task A_batch_reads_no_call_but_its_own_even_when_the_statistics_say_no_call_is_consented()
    {
        await using var app = await EasyMoApp.StartAsync();

        // 8,000 ended calls, none consented, analysed so; then 400 of them live and consented, not analysed again.
        await app.SqlAsync("ALTER TABLE calls SET (autovacuum_enabled = false)");
        await app.SqlAsync(
            $"""
            INSERT INTO calls (id, call_id, callee, caller, caller_name, channel, consent, identity, language, received_at, accepted_at,
                               runtime, sip_call_id, status, summary_attempts, summary_status, trunk, model, voice)
            SELECT gen_random_uuid(), 'rtc_plan_' || g, '+250788300300', '+250788000000', '+250788000000', 'phone', 'not_asked', 'verified',
                   'rw', now(), now(), 'realtime', 'plan_' || g || '@196.12.160.10', 'ended', 0, 'none', 'mtn-rw', 'gpt-realtime', 'alloy'
            FROM generate_series(1, {Calls}) AS g
            """);
        await app.SqlAsync("ANALYZE calls");
        await app.SqlAsync($"UPDATE calls SET consent = 'granted', status = 'accepted' WHERE call_id IN (SELECT 'rtc_plan_' || g FROM generate_series(1, {Live}) AS g)");

        var at = DateTimeOffset.UtcNow;
        var turns = Enumerable.Range(1, Live)
            .Select(g => new TranscriptTurnDraft(new OpenAiCallId($"rtc_plan_{g}"), Speaker.Caller, "Muraho.", $"item_{g}", at))
            .ToList();

        // The batch in the test's own transaction, so that the scans counted are this statement's alone.
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EasyMoDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(Ct);
        var before = await ScansOfCallsAsync(db);
        (await scope.ServiceProvider.GetRequiredService<ICallStore>().AppendTranscriptAsync(turns, Ct)).ShouldBe(Live);

        (await ScansOfCallsAsync(db) - before).ShouldBe(0, "the batch looks its calls up by their unique call id, not by scanning every call");
        await transaction.RollbackAsync(Ct);
    }

    /// <summary>Sequential scans of <c>calls</c> in the current transaction.</summary>
    private static Task<long> ScansOfCallsAsync(EasyMoDbContext db) =>
        db.Database.SqlQuery<long>($"""SELECT seq_scan AS "Value" FROM pg_stat_xact_user_tables WHERE relname = 'calls'""").SingleAsync(Ct);
}
