using System.Diagnostics;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Features.Calls;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;
using EasyMo.Domain.Privacy;
using EasyMo.Domain.Profiles;
using EasyMo.Domain.WhatsApp;
using EasyMo.Infrastructure.Persistence.Configurations;
using EasyMo.Infrastructure.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// Calls and profiles in PostgreSQL. Exactly-once decisions rest on two unique keys, <c>webhook_deliveries.webhook_id</c>
/// and <c>calls.call_id</c>: a claim inserts both and commits at once, a concurrent duplicate — in this process or another
/// instance — fails with 23505 and waits for the decision to be recorded, and a claim whose holder died is taken over
/// after <c>Calls:ClaimTimeout</c> by <c>calls.claimed_at</c>, the database's clock (docs/adr/0004).
/// </summary>
internal sealed class CallStore(EasyMoDbContext db, TimeProvider time, MonitorOwnership monitor) : ICallStore
{
    private const string UniqueViolation = "23505";
    private const string Ringing = "ringing";

    /// <summary>The advisory lock that serialises the live-call ceiling's count (any constant no other lock uses).</summary>
    private const long LiveCallsLock = 0x4561_7379_4d6f_0001;

    private static readonly TimeSpan ClaimPoll = TimeSpan.FromMilliseconds(100);

    private static readonly Func<EasyMoDbContext, PhoneNumber, WaId, CancellationToken, Task<Profile?>> ProfileByPhone =
        EF.CompileAsyncQuery((EasyMoDbContext context, PhoneNumber phone, WaId waId, CancellationToken _) =>
            context.Profiles.AsNoTracking().FirstOrDefault(profile => profile.Phone == phone || profile.WhatsAppId == waId));

    private static readonly Func<EasyMoDbContext, OpenAiCallId, CancellationToken, Task<Call?>> CallById =
        EF.CompileAsyncQuery((EasyMoDbContext context, OpenAiCallId callId, CancellationToken _) =>
            context.Calls.FirstOrDefault(call => call.CallId == callId));

    private static readonly Func<EasyMoDbContext, OpenAiCallId, CancellationToken, Task<Call?>> CallByIdReadOnly =
        EF.CompileAsyncQuery((EasyMoDbContext context, OpenAiCallId callId, CancellationToken _) =>
            context.Calls.AsNoTracking().FirstOrDefault(call => call.CallId == callId));

    public Task<Profile?> FindProfileAsync(PhoneNumber phone, CancellationToken cancellationToken) =>
        FindProfileAsync(phone, WaId.Of(phone), cancellationToken);

    private Task<Profile?> FindProfileAsync(PhoneNumber phone, WaId waId, CancellationToken cancellationToken) =>
        db.Profiles.FirstOrDefaultAsync(profile => profile.Phone == phone || profile.WhatsAppId == waId, cancellationToken);

    public Task<Profile?> ReadProfileAsync(PhoneNumber phone, CancellationToken cancellationToken) =>
        ProfileByPhone(db, phone, WaId.Of(phone), cancellationToken);

    public async Task<Profile> GetOrCreateProfileAsync(PhoneNumber phone, WaId? whatsAppId, CancellationToken cancellationToken)
    {
        if (await ProfileByPhone(db, phone, WaId.Of(phone), cancellationToken) is { } existing)
        {
            return existing;
        }

        // ON CONFLICT DO NOTHING: two first calls from one number at the same moment both end up with the one profile.
        var created = Profile.Create(phone, whatsAppId, name: null, language: null, time.GetUtcNow());
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO profiles (id, phone, wa_id, name, language, blocked, created_at, updated_at)
            VALUES ({created.Id}, {phone.Value}, {created.WhatsAppId?.Value}, NULL, NULL, FALSE, {created.CreatedAt}, {created.UpdatedAt})
            ON CONFLICT DO NOTHING
            """,
            cancellationToken);
        return await ProfileByPhone(db, phone, WaId.Of(phone), cancellationToken) ?? created;
    }

    public async Task<ICallDecision?> ClaimAsync(
        string webhookId, string eventType, Call call, LiveCallLimit? limit, TimeSpan claimTimeout, CancellationToken cancellationToken)
    {
        // One batch: the delivery, the call, and the ceiling's lock and count, in one round trip and one transaction
        // (ClaimBatch). A failed claim rolls back whole.
        bool overLimit;
        try
        {
            var entry = db.Calls.Add(call);
            overLimit = await ClaimBatch.RunAsync(
                db, entry, webhookId, eventType, limit is null ? null : CountLines(limit, claimTimeout, IncludingOwnClaim, sumFirst: true), limit?.Max ?? 0, cancellationToken);
        }
        catch (PostgresException exception) when (exception is { SqlState: UniqueViolation, ConstraintName: CallConfiguration.SipCallIdIndex })
        {
            // The same SIP call, announced on the other runtime, is decided (or being decided) under OpenAI's other id.
            db.ChangeTracker.Clear();
            return null;
        }
        catch (PostgresException exception) when (exception.SqlState == UniqueViolation)
        {
            db.ChangeTracker.Clear();
            return await AwaitOrTakeOverAsync(call.CallId, claimTimeout, cancellationToken);
        }
        catch
        {
            db.ChangeTracker.Clear();
            throw;
        }

        return new Decision(db, call, TakenOver: false, overLimit, time, monitor.OwnerOfAcceptedCalls);
    }

    /// <summary>How far the claim's count goes: one line past the ceiling, its own claim being one of those it sees.</summary>
    private const int IncludingOwnClaim = 1;

    /// <summary>How long a call back being dialed counts as a line (and then, unresolved, is in doubt): past any dial's timeout.</summary>
    internal static readonly TimeSpan DialingWindow = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The ceiling's count, one transaction at a time: a transaction-scoped advisory lock, then (a statement of its own,
    /// so that its snapshot sees every claim committed before the lock was granted) the calls accepted and still counting
    /// as live, the claims still deciding, and the calls back being dialed (each will take a line); counting stops
    /// <paramref name="beyond"/> lines past the ceiling. Both statements go in one round trip. The claim runs them at the
    /// end of its own batch (ClaimBatch), so that the lock is held for the count and the commit only; the callback dialer
    /// counts the same way under the same lock, in its transaction, one by one (it needs the exact number of free lines).
    /// </summary>
    internal static async Task<int> CountLinesAsync(EasyMoDbContext db, LiveCallLimit limit, TimeSpan claimTimeout, int beyond, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var batch = new NpgsqlBatch(connection, (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
        foreach (var command in CountLines(limit, claimTimeout, beyond, sumFirst: false))
        {
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt32(0);
    }

    /// <summary>
    /// The ceiling's lock and count, as two statements of a batch (the count's result is the second): the live calls
    /// counted one by one (<see cref="CountedOneByOne"/>), or, with <paramref name="sumFirst"/>, the sum of
    /// <c>live_lines</c> first (<see cref="SumFirst"/>).
    /// </summary>
    private static NpgsqlBatchCommand[] CountLines(LiveCallLimit limit, TimeSpan claimTimeout, int beyond, bool sumFirst)
    {
        var count = new NpgsqlBatchCommand(sumFirst ? SumFirst : CountedOneByOne)
        {
            Parameters =
            {
                new NpgsqlParameter { Value = limit.AcceptedSince },
                new NpgsqlParameter { Value = claimTimeout },
                new NpgsqlParameter { Value = DialingWindow },
                new NpgsqlParameter { Value = limit.Max + beyond },
            },
        };
        if (sumFirst)
        {
            count.Parameters.Add(new NpgsqlParameter { Value = limit.Max });
        }

        return [new("SELECT pg_advisory_xact_lock($1)") { Parameters = { new NpgsqlParameter { Value = LiveCallsLock } } }, count];
    }

    /// <summary>The lines taken, each read: accepted calls within their window, claims deciding, calls back dialing.</summary>
    private const string CountedOneByOne = """
        SELECT count(*)::int
        FROM (SELECT 1 FROM calls
              WHERE (status = 'accepted' AND accepted_at > $1)
                 OR (status = 'ringing' AND claimed_at > now() - $2)
              UNION ALL
              SELECT 1 FROM callbacks WHERE status = 'dialing' AND dialed_at > now() - $3
              LIMIT $4) AS live
        """;

    /// <summary>
    /// The claim's count in O(1): the sum of <c>live_lines</c> (migration <c>LiveLineCount</c>: the lines taken without
    /// the windows, kept by triggers in the writes' own transactions, so never below <see cref="CountedOneByOne"/> at the
    /// same snapshot) answers at or under the ceiling (<c>$5</c>); past it, the lines are counted one by one, so a call
    /// that outlived its window without ending costs no line.
    /// </summary>
    private const string SumFirst = $"""
        SELECT CASE WHEN taken.lines <= $5 THEN taken.lines::int ELSE (
        {CountedOneByOne}) END
        FROM (SELECT sum(lines) AS lines FROM live_lines) AS taken
        """;

    /// <summary>
    /// Another delivery holds the claim: wait for its decision to be recorded (then there is nothing to do), or — once
    /// the claim is older than <paramref name="claimTimeout"/> by the database's clock and still undecided — take it over.
    /// </summary>
    private async Task<ICallDecision?> AwaitOrTakeOverAsync(OpenAiCallId callId, TimeSpan claimTimeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var state = await db.Database
                .SqlQuery<ClaimState>($"""SELECT status, claimed_at < now() - {claimTimeout} AS stale FROM calls WHERE call_id = {callId.Value}""")
                .SingleOrDefaultAsync(cancellationToken);
            if (state is null || state.Status != Ringing)
            {
                return null; // decided (or the webhook id was another call's)
            }

            if (state.Stale && await db.Database.ExecuteSqlInterpolatedAsync(
                    $"UPDATE calls SET claimed_at = now() WHERE call_id = {callId.Value} AND status = 'ringing' AND claimed_at < now() - {claimTimeout}",
                    cancellationToken) == 1)
            {
                return new Decision(db, (await CallById(db, callId, cancellationToken))!, TakenOver: true, OverLimit: false, time, monitor.OwnerOfAcceptedCalls);
            }

            if (waited.Elapsed > claimTimeout + ClaimPoll * 20)
            {
                // The claim's holder neither decides nor lets go (clock trouble?): OpenAI's retry will find out.
                throw new TimeoutException($"The claim on call {callId} is still held.");
            }

            await Task.Delay(ClaimPoll, cancellationToken);
        }
    }

    public async Task<bool> RecordDeliveryAsync(string webhookId, string eventType, OpenAiCallId callId, DateTimeOffset at, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO webhook_deliveries (webhook_id, source, event_type, call_id, received_at)
            VALUES ({webhookId}, 'openai', {eventType}, {callId.Value}, {at})
            ON CONFLICT DO NOTHING
            """,
            cancellationToken) == 1;

    public Task<Call?> FindCallAsync(OpenAiCallId callId, CancellationToken cancellationToken) => CallById(db, callId, cancellationToken);

    public Task<Call?> GetCallAsync(OpenAiCallId callId, CancellationToken cancellationToken) => CallByIdReadOnly(db, callId, cancellationToken);

    public async Task<bool> TryEndAsync(OpenAiCallId callId, Consent expectedConsent, CallEnd end, CancellationToken cancellationToken)
    {
        // Plain SQL, not ExecuteUpdate: its setters' values would be compiled into delegates on every call, on the
        // monitor's path. Nobody follows an ended call: monitor_owner is cleared, and no release is needed.
        var quality = end.Quality;
        return await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            UPDATE calls
            SET status = 'ended', ended_at = {end.EndedAt}, end_reason = {StateNames.Of(end.Reason)}, duration_seconds = {end.DurationSeconds},
                voice_seconds = {end.VoiceSeconds}, summary_status = {StateNames.Of(end.SummaryStatus)}, summary_due_at = {end.SummaryDueAt},
                analysis_status = {StateNames.Of(end.AnalysisStatus)}, analysis_due_at = {end.SummaryDueAt},
                measured_turns = {quality?.Turns}, turn_wait_p50_ms = {quality?.TurnP50Ms}, turn_wait_p95_ms = {quality?.TurnP95Ms},
                turn_wait_max_ms = {quality?.TurnMaxMs}, greeting_wait_ms = {quality?.GreetingMs}, tool_max_ms = {quality?.ToolMaxMs},
                monitor_owner = NULL
            WHERE call_id = {callId.Value} AND status = 'accepted' AND consent = {StateNames.Of(expectedConsent)}
            """,
            cancellationToken) == 1;
    }

    public async Task<RecordedConsent?> RecordConsentAsync(OpenAiCallId callId, Consent answer, CallActivityKind activityKind, string activityDetail, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // One statement instead of reading the call and the profile into the change tracker and saving three rows in a
        // transaction (six round trips on the monitor's path). The call's row is written only when the answer changes it,
        // and that UPDATE's own condition (re-checked on the row's latest version when another answer is committed
        // meanwhile) says whether it did: no lock is taken on the call otherwise (a SELECT … FOR NO KEY UPDATE would write
        // a lock to the row, and its WAL, for every answer, and share the row with a transcript batch's FOR KEY SHARE
        // through a multixact). The activity is built by the domain (its id, its bounded name and detail); only its
        // call's row id comes from the statement.
        ArgumentOutOfRangeException.ThrowIfNotEqual(answer is Consent.Granted or Consent.Denied, true, nameof(answer));
        var consent = StateNames.Of(answer);
        var activity = CallActivity.Record(Guid.Empty, activityKind, AgentTools.RecordConsent, activityDetail, at);
        var rows = await db.Database.SqlQuery<ConsentRow>(
            $"""
            WITH live AS (
                SELECT c.id, c.profile_id FROM calls c
                WHERE c.call_id = {callId.Value} AND c.status = 'accepted'
            ),
            answered AS (
                UPDATE calls SET consent = {consent}, consent_at = {at}
                WHERE calls.id = (SELECT live.id FROM live) AND calls.status = 'accepted' AND calls.consent <> {consent}
                RETURNING calls.id
            ),
            remembered AS (
                UPDATE profiles SET consent = {consent}, consent_at = {at}, updated_at = {at}
                FROM live WHERE profiles.id = live.profile_id
                RETURNING 1
            ),
            noted AS (
                INSERT INTO call_activities (id, at, call_id, detail, kind, name)
                SELECT {activity.Id}, {activity.At}, live.id, {activity.Detail}, {StateNames.Of(activity.Kind)}, {activity.Name} FROM live
                RETURNING 1
            )
            SELECT live.id, EXISTS (SELECT 1 FROM answered) AS changed FROM live
            """).ToListAsync(cancellationToken);
        return rows is [var row] ? new RecordedConsent(row.Id, row.Changed) : null;
    }

    public Task<Profile?> FindProfileByIdAsync(Guid profileId, CancellationToken cancellationToken) =>
        db.Profiles.FirstOrDefaultAsync(profile => profile.Id == profileId, cancellationToken);

    public async Task<int> AppendTranscriptAsync(IReadOnlyList<TranscriptTurnDraft> turns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turns);
        var count = turns.Count;
        var ids = new Guid[count];
        var callIds = new string[count];
        var speakers = new string[count];
        var texts = new string[count];
        var itemIds = new string[count];
        var ats = new DateTime[count];
        for (var i = 0; i < count; i++)
        {
            var turn = turns[i];
            var row = TranscriptTurn.Create(Guid.Empty, 0, turn.Speaker, turn.Text, turn.ItemId, turn.At);
            ids[i] = row.Id;
            callIds[i] = turn.CallId.Value;
            speakers[i] = StateNames.Of(turn.Speaker);
            texts[i] = row.Text;
            itemIds[i] = turn.ItemId;
            ats[i] = turn.At.UtcDateTime;
        }

        // One statement for the whole batch. One monitor writes a call's transcript at a time (its lease) and the batches
        // one after another, so numbering each call's turns after its max(sequence), in the order given, is safe; a turn
        // seen twice (in the batch, or stored before) is left out before numbering, so the sequence has no gaps. The
        // calls must keep content (consent granted) and not be erased (no pseudonym), and are locked FOR KEY SHARE, the
        // weakest lock: it does not wait for (nor hold up) the calls' ordinary updates — the end, a summary, the consent
        // given — which a batch of many calls' turns otherwise queued behind and ahead of (under load, hundreds of ms a
        // batch). What forgets a call's content (an erasure, a consent withdrawn: ForgetCallContentAsync) locks the call
        // FOR UPDATE first, which conflicts with it: these turns are either stored before and deleted, or not stored.
        // The calls are found one by one, by their unique call id (a LATERAL subquery with LIMIT 1, which the planner
        // cannot turn into a join): as `call_id IN (SELECT …)`, a planner whose statistics said that few calls were
        // consented (calls analysed before the answers came) scanned every call once per batch and compared each with
        // every turn, 3.8 million comparisons for a batch of 500 turns with 7,800 calls, and the writer fell seconds
        // behind (docs/benchmarks.md).
        return await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            WITH turn AS (
                SELECT DISTINCT ON (t.call_id, t.item_id, t.speaker) t.*
                FROM unnest({ids}::uuid[], {callIds}::text[], {speakers}::text[], {texts}::text[], {itemIds}::text[], {ats}::timestamptz[])
                    WITH ORDINALITY AS t(id, call_id, speaker, text, item_id, at, ord)
                ORDER BY t.call_id, t.item_id, t.speaker, t.ord
            ),
            kept AS (
                SELECT c.id, c.call_id
                FROM (SELECT DISTINCT turn.call_id FROM turn) AS wanted,
                LATERAL (
                    SELECT c.id, c.call_id FROM calls c
                    WHERE c.call_id = wanted.call_id AND c.consent = 'granted' AND c.caller_pseudonym IS NULL
                    LIMIT 1
                    FOR KEY SHARE
                ) AS c
            ),
            fresh AS (
                SELECT t.*, k.id AS row_call_id FROM turn t JOIN kept k ON k.call_id = t.call_id
                WHERE NOT EXISTS (SELECT 1 FROM call_transcripts x WHERE x.call_id = k.id AND x.item_id = t.item_id AND x.speaker = t.speaker)
            )
            INSERT INTO call_transcripts (id, call_id, sequence, speaker, text, item_id, at)
            SELECT f.id, f.row_call_id,
                   COALESCE((SELECT MAX(x.sequence) FROM call_transcripts x WHERE x.call_id = f.row_call_id), 0)
                       + row_number() OVER (PARTITION BY f.row_call_id ORDER BY f.ord),
                   f.speaker, f.text, f.item_id, f.at
            FROM fresh f
            ORDER BY f.ord
            ON CONFLICT DO NOTHING
            """,
            cancellationToken);
    }

    /// <summary>A call's warm-transfer briefs (its id the parameter <c>@id</c>): a constant, built once.</summary>
    private static readonly string ForgetBriefsSql =
        $"DELETE FROM outbox_messages o USING calls c WHERE c.id = @id AND {TransferBriefKeys.Of("o.deduplication_key", "c.call_id")}";

    public async Task ForgetCallContentAsync(Guid callId, CancellationToken cancellationToken)
    {
        // The call is locked FOR UPDATE first, in the deletes' transaction: a transcript batch that holds it (FOR KEY SHARE)
        // is waited for, and its turns deleted below; one that comes after finds the consent withdrawn.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM calls WHERE id = {callId} FOR UPDATE", cancellationToken);
        await db.Transcripts.Where(turn => turn.CallId == callId).ExecuteDeleteAsync(cancellationToken);
        await db.CallRequests.Where(request => request.CallId == callId).ExecuteDeleteAsync(cancellationToken);

        // A warm transfer's brief told someone what the caller said: it goes too (one already delivered cannot be unsent).
        await db.Database.ExecuteSqlRawAsync(ForgetBriefsSql, [new NpgsqlParameter("id", callId)], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> SaveSummaryAsync(Call call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        // One conditional UPDATE rather than the tracked entity: the summary waited on OpenAI, and an erasure that ran
        // meanwhile set summary_status to not_kept. Then nothing is written back.
        var saved = await db.Calls
            .Where(row => row.Id == call.Id && row.SummaryStatus == SummaryStatus.Pending)
            .ExecuteUpdateAsync(
                update => update
                    .SetProperty(row => row.Summary, call.Summary)
                    .SetProperty(row => row.SummaryStatus, call.SummaryStatus)
                    .SetProperty(row => row.SummaryAttempts, call.SummaryAttempts)
                    .SetProperty(row => row.SummaryDueAt, call.SummaryDueAt)
                    .SetProperty(row => row.SummarySettledAt, call.SummarySettledAt),
                cancellationToken);
        db.Entry(call).State = EntityState.Detached;
        return saved == 1;
    }

    public async Task<bool> SaveAnalysisAsync(Call call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        // As the summary's: written only while still pending, so an erasure or purge meanwhile is never undone.
        var saved = await db.Calls
            .Where(row => row.Id == call.Id && row.AnalysisStatus == AnalysisStatus.Pending)
            .ExecuteUpdateAsync(
                update => update
                    .SetProperty(row => row.AnalysisService, call.AnalysisService)
                    .SetProperty(row => row.AnalysisOutcome, call.AnalysisOutcome)
                    .SetProperty(row => row.AnalysisSentiment, call.AnalysisSentiment)
                    .SetProperty(row => row.AnalysisLanguage, call.AnalysisLanguage)
                    .SetProperty(row => row.AnalysisMisunderstood, call.AnalysisMisunderstood)
                    .SetProperty(row => row.AnalysisRepeated, call.AnalysisRepeated)
                    .SetProperty(row => row.AnalysisStatus, call.AnalysisStatus)
                    .SetProperty(row => row.AnalysisAttempts, call.AnalysisAttempts)
                    .SetProperty(row => row.AnalysisDueAt, call.AnalysisDueAt)
                    .SetProperty(row => row.AnalysisSettledAt, call.AnalysisSettledAt),
                cancellationToken);
        db.Entry(call).State = EntityState.Detached;
        return saved == 1;
    }

    public void Add(CallActivity activity) => db.CallActivities.Add(activity);

    public void Add(CallRequest request) => db.CallRequests.Add(request);

    public void Enqueue(OutboxMessage message) => db.OutboxMessages.Add(message);

    public Task SaveChangesAsync(CancellationToken cancellationToken) => db.SaveChangesAsync(cancellationToken);

    public async Task<bool> SaveWithOutboxAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: UniqueViolation, ConstraintName: OutboxMessageConfiguration.DeduplicationKeyIndex })
        {
            // The same message was recorded meanwhile (a concurrent request for the same purpose): the rest is saved without it.
            foreach (var entry in db.ChangeTracker.Entries<OutboxMessage>().Where(entry => entry.State == EntityState.Added).ToList())
            {
                entry.State = EntityState.Detached;
            }

            await db.SaveChangesAsync(cancellationToken);
            return false;
        }
    }

    /// <summary>A claim as another delivery sees it (columns named as the snake-case convention reads them).</summary>
    private sealed record ClaimState(string Status, bool Stale);

    private sealed record Decision(EasyMoDbContext Db, Call Call, bool TakenOver, bool OverLimit, TimeProvider Time, string? Follower) : ICallDecision
    {
        public void Enqueue(OutboxMessage message) => Db.OutboxMessages.Add(message);

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            if (Follower is not null && Call.Status == CallStatus.Accepted)
            {
                // The follow claim rides on the outcome's UPDATE: this instance's monitor follows the call (ICallMonitor.Follow).
                Db.Entry(Call).Property(CallConfiguration.MonitorOwner).CurrentValue = Follower;
            }

            // One short transaction (SaveChanges' own): the call's outcome and anything enqueued with it.
            await Db.SaveChangesAsync(cancellationToken);

            // After the commit, as the WhatsApp side does after its own: whichever commits last sees the other.
            if (Call.WhatsAppCallId is { } whatsAppCallId)
            {
                await WhatsAppStore.LinkAsync(Db, whatsAppCallId, Time.GetUtcNow(), cancellationToken);
            }
        }
    }

    /// <summary>What <see cref="RecordConsentAsync"/> reads back: the call's row id, and whether the answer changed its consent.</summary>
    private sealed record ConsentRow(Guid Id, bool Changed);
}
