using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;
using EasyMo.Domain.Profiles;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// Calls and profiles in PostgreSQL. Exactly-once decisions rest on two unique keys, <c>webhook_deliveries.webhook_id</c>
/// and <c>calls.call_id</c>: a claim inserts both inside a transaction that stays open until the decision is stored, so a
/// concurrent duplicate — in this process or another instance — waits on the row lock and then fails with 23505.
/// </summary>
internal sealed class CallStore(EasyMoDbContext db, TimeProvider time) : ICallStore
{
    private const string UniqueViolation = "23505";

    private static readonly Func<EasyMoDbContext, PhoneNumber, string, CancellationToken, Task<Profile?>> ProfileByPhone =
        EF.CompileAsyncQuery((EasyMoDbContext context, PhoneNumber phone, string digits, CancellationToken _) =>
            context.Profiles.AsNoTracking().FirstOrDefault(profile => profile.Phone == phone || profile.WhatsAppId == digits));

    private static readonly Func<EasyMoDbContext, string, CancellationToken, Task<Call?>> CallById =
        EF.CompileAsyncQuery((EasyMoDbContext context, string callId, CancellationToken _) =>
            context.Calls.FirstOrDefault(call => call.CallId == callId));

    private static readonly Func<EasyMoDbContext, string, CancellationToken, Task<Call?>> CallByIdReadOnly =
        EF.CompileAsyncQuery((EasyMoDbContext context, string callId, CancellationToken _) =>
            context.Calls.AsNoTracking().FirstOrDefault(call => call.CallId == callId));

    public Task<Profile?> FindProfileAsync(PhoneNumber phone, CancellationToken cancellationToken) =>
        db.Profiles.FirstOrDefaultAsync(profile => profile.Phone == phone || profile.WhatsAppId == phone.Digits, cancellationToken);

    public async Task<Profile> GetOrCreateProfileAsync(PhoneNumber phone, string? whatsAppId, CancellationToken cancellationToken)
    {
        if (await ProfileByPhone(db, phone, phone.Digits, cancellationToken) is { } existing)
        {
            return existing;
        }

        // ON CONFLICT DO NOTHING: two first calls from one number at the same moment both end up with the one profile.
        var created = Profile.Create(phone, whatsAppId, name: null, language: null, time.GetUtcNow());
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO profiles (id, phone, wa_id, name, language, blocked, created_at, updated_at)
            VALUES ({created.Id}, {phone.Value}, {created.WhatsAppId}, NULL, NULL, FALSE, {created.CreatedAt}, {created.UpdatedAt})
            ON CONFLICT DO NOTHING
            """,
            cancellationToken);
        return await ProfileByPhone(db, phone, phone.Digits, cancellationToken) ?? created;
    }

    public async Task<ICallDecision?> ClaimAsync(string webhookId, string eventType, Call call, CancellationToken cancellationToken)
    {
        // No savepoints: a failed decision rolls back whole, and each SAVEPOINT would cost a round trip on the hot path.
        db.Database.AutoSavepointsEnabled = false;
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                WebhookId = webhookId,
                Source = "openai",
                EventType = eventType,
                CallId = call.CallId,
                ReceivedAt = call.ReceivedAt,
            });
            db.Calls.Add(call);
            await db.SaveChangesAsync(cancellationToken);
            return new Decision(db, transaction, call.WhatsAppCallId, time);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: UniqueViolation })
        {
            await transaction.DisposeAsync();
            db.ChangeTracker.Clear();
            return null;
        }
        catch
        {
            await transaction.DisposeAsync();
            db.ChangeTracker.Clear();
            throw;
        }
    }

    public Task<Call?> FindCallAsync(string callId, CancellationToken cancellationToken) => CallById(db, callId, cancellationToken);

    public Task<Call?> GetCallAsync(string callId, CancellationToken cancellationToken) => CallByIdReadOnly(db, callId, cancellationToken);

    public Task<Profile?> FindProfileByIdAsync(Guid profileId, CancellationToken cancellationToken) =>
        db.Profiles.FirstOrDefaultAsync(profile => profile.Id == profileId, cancellationToken);

    public async Task<bool> AppendTranscriptAsync(TranscriptTurnDraft turn, CancellationToken cancellationToken)
    {
        var row = TranscriptTurn.Create(turn.CallId, 0, turn.Speaker, turn.Text, turn.ItemId, turn.At);
        var speaker = ValueConverters.SnakeCase<Speaker>().ConvertToProvider(turn.Speaker);

        // One monitor writes a call's transcript at a time (its lease), so numbering from max(sequence) is safe.
        var stored = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO call_transcripts (id, call_id, sequence, speaker, text, item_id, at)
            SELECT {row.Id}, {turn.CallId}, COALESCE(MAX(sequence), 0) + 1, {speaker}, {row.Text}, {turn.ItemId}, {turn.At}
            FROM call_transcripts WHERE call_id = {turn.CallId}
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

    public void Add(CallActivity activity) => db.CallActivities.Add(activity);

    public void Add(CallRequest request) => db.CallRequests.Add(request);

    public Task SaveChangesAsync(CancellationToken cancellationToken) => db.SaveChangesAsync(cancellationToken);

    private sealed class Decision(EasyMoDbContext db, IDbContextTransaction transaction, string? whatsAppCallId, TimeProvider time) : ICallDecision
    {
        private bool _committed;

        public Task<int> CountLiveCallsAsync(DateTimeOffset acceptedSince, int limit, CancellationToken cancellationToken) =>
            db.Database
                .SqlQuery<int>(
                    $"""
                    SELECT count(*)::int AS "Value"
                    FROM (SELECT 1 FROM calls WHERE status = 'accepted' AND accepted_at > {acceptedSince} LIMIT {limit}) AS live
                    """)
                .SingleAsync(cancellationToken);

        public void Enqueue(OutboxMessage message) => db.OutboxMessages.Add(message);

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            _committed = true;

            // After the commit, as the WhatsApp side does after its own: whichever commits last sees the other.
            if (whatsAppCallId is not null)
            {
                await WhatsAppStore.LinkAsync(db, whatsAppCallId, time.GetUtcNow(), cancellationToken);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            if (!_committed)
            {
                db.ChangeTracker.Clear();
            }
        }
    }
}
