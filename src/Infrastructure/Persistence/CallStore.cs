using System.Diagnostics;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;
using EasyMo.Domain.Profiles;
using EasyMo.Domain.WhatsApp;
using EasyMo.Infrastructure.Persistence.Configurations;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// Calls and profiles in PostgreSQL. Exactly-once decisions rest on two unique keys, <c>webhook_deliveries.webhook_id</c>
/// and <c>calls.call_id</c>: a claim inserts both and commits at once, a concurrent duplicate — in this process or another
/// instance — fails with 23505 and waits for the decision to be recorded, and a claim whose holder died is taken over
/// after <c>Calls:ClaimTimeout</c> by <c>calls.claimed_at</c>, the database's clock (docs/adr/0004).
/// </summary>
internal sealed class CallStore(EasyMoDbContext db, TimeProvider time) : ICallStore
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
        // No savepoints: a failed claim rolls back whole, and each SAVEPOINT would cost a round trip on the hot path.
        db.Database.AutoSavepointsEnabled = false;
        var overLimit = false;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (limit is not null)
            {
                overLimit = await CountLiveCallsAsync(limit, claimTimeout, cancellationToken) >= limit.Max;
            }

            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                WebhookId = webhookId,
                Source = "openai",
                EventType = eventType,
                CallId = call.CallId.Value,
                ReceivedAt = call.ReceivedAt,
            });
            db.Calls.Add(call);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: UniqueViolation, ConstraintName: CallConfiguration.SipCallIdIndex })
        {
            // The same SIP call, announced on the other runtime, is decided (or being decided) under OpenAI's other id.
            db.ChangeTracker.Clear();
            return null;
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: UniqueViolation })
        {
            db.ChangeTracker.Clear();
            return await AwaitOrTakeOverAsync(call.CallId, claimTimeout, cancellationToken);
        }
        catch
        {
            db.ChangeTracker.Clear();
            throw;
        }

        return new Decision(db, call, TakenOver: false, overLimit, time);
    }

    /// <summary>
    /// The ceiling's count, one claim at a time: a transaction-scoped advisory lock, then (in a statement of its own, so
    /// that its snapshot sees every claim committed before the lock was granted) the calls accepted and still counting as
    /// live, the claims still deciding, and the calls back being dialed (each will take a line). Counting stops at the
    /// ceiling. The callback dialer counts the same way under the same lock.
    /// </summary>
    private Task<int> CountLiveCallsAsync(LiveCallLimit limit, TimeSpan claimTimeout, CancellationToken cancellationToken) =>
        CountLinesAsync(db, limit, claimTimeout, cancellationToken);

    /// <summary>How long a call back being dialed counts as a line (and then, unresolved, is in doubt): past any dial's timeout.</summary>
    internal static readonly TimeSpan DialingWindow = TimeSpan.FromMinutes(2);

    /// <summary>Takes the ceiling's lock (for the caller's transaction) and counts the lines taken, at most <see cref="LiveCallLimit.Max"/>.</summary>
    internal static async Task<int> CountLinesAsync(EasyMoDbContext db, LiveCallLimit limit, TimeSpan claimTimeout, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({LiveCallsLock})", cancellationToken);
        return await db.Database
            .SqlQuery<int>(
                $"""
                SELECT count(*)::int AS "Value"
                FROM (SELECT 1 FROM calls
                      WHERE (status = 'accepted' AND accepted_at > {limit.AcceptedSince})
                         OR (status = 'ringing' AND claimed_at > now() - {claimTimeout})
                      UNION ALL
                      SELECT 1 FROM callbacks WHERE status = 'dialing' AND dialed_at > now() - {DialingWindow}
                      LIMIT {limit.Max}) AS live
                """)
            .SingleAsync(cancellationToken);
    }

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
                return new Decision(db, (await CallById(db, callId, cancellationToken))!, TakenOver: true, OverLimit: false, time);
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

    public Task<Profile?> FindProfileByIdAsync(Guid profileId, CancellationToken cancellationToken) =>
        db.Profiles.FirstOrDefaultAsync(profile => profile.Id == profileId, cancellationToken);

    public async Task<bool> AppendTranscriptAsync(TranscriptTurnDraft turn, CancellationToken cancellationToken)
    {
        var row = TranscriptTurn.Create(turn.CallId, 0, turn.Speaker, turn.Text, turn.ItemId, turn.At);
        var speaker = ValueConverters.SnakeCase<Speaker>().ConvertToProvider(turn.Speaker);

        // One monitor writes a call's transcript at a time (its lease), so numbering from max(sequence) is safe. The call's
        // row is share-locked and must not be erased (no pseudonym): an erasure, which locks the caller's calls before it
        // deletes their transcripts, either runs after this turn (and deletes it) or before (and this turn is not stored).
        var stored = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO call_transcripts (id, call_id, sequence, speaker, text, item_id, at)
            SELECT {row.Id}, {turn.CallId},
                   COALESCE((SELECT MAX(sequence) FROM call_transcripts WHERE call_id = {turn.CallId}), 0) + 1,
                   {speaker}, {row.Text}, {turn.ItemId}, {turn.At}
            FROM calls WHERE id = {turn.CallId} AND caller_pseudonym IS NULL
            FOR SHARE
            ON CONFLICT DO NOTHING
            """,
            cancellationToken);
        return stored == 1;
    }

    public async Task ForgetCallContentAsync(Guid callId, CancellationToken cancellationToken)
    {
        await db.Transcripts.Where(turn => turn.CallId == callId).ExecuteDeleteAsync(cancellationToken);
        await db.CallRequests.Where(request => request.CallId == callId).ExecuteDeleteAsync(cancellationToken);
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

    public void Add(CallActivity activity) => db.CallActivities.Add(activity);

    public void Add(CallRequest request) => db.CallRequests.Add(request);

    public Task SaveChangesAsync(CancellationToken cancellationToken) => db.SaveChangesAsync(cancellationToken);

    /// <summary>A claim as another delivery sees it (columns named as the snake-case convention reads them).</summary>
    private sealed record ClaimState(string Status, bool Stale);

    private sealed record Decision(EasyMoDbContext Db, Call Call, bool TakenOver, bool OverLimit, TimeProvider Time) : ICallDecision
    {
        public void Enqueue(OutboxMessage message) => Db.OutboxMessages.Add(message);

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            // One short transaction (SaveChanges' own): the call's outcome and anything enqueued with it.
            await Db.SaveChangesAsync(cancellationToken);

            // After the commit, as the WhatsApp side does after its own: whichever commits last sees the other.
            if (Call.WhatsAppCallId is { } whatsAppCallId)
            {
                await WhatsAppStore.LinkAsync(Db, whatsAppCallId, Time.GetUtcNow(), cancellationToken);
            }
        }
    }
}
