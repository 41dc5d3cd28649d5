using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;
using EasyMo.Domain.Privacy;
using EasyMo.Domain.Profiles;
using EasyMo.Domain.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// WhatsApp events in PostgreSQL. An event's key (keyed: it is made of WhatsApp ids, which embed the user's number) is
/// inserted with <c>ON CONFLICT DO NOTHING</c> in the transaction
/// that applies it: a redelivery inserts nothing and changes nothing, a concurrent one waits for the first to end, and
/// an event whose transaction failed leaves no key, so Meta's next delivery applies it.
/// </summary>
internal sealed class WhatsAppStore(EasyMoDbContext db, Application.Features.Privacy.Pseudonymizer pseudonyms) : IWhatsAppStore
{
    private const string UniqueViolation = "23505";

    public async Task<IWhatsAppEventClaim?> ClaimEventAsync(string eventKey, string kind, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        // A call's record is created under a savepoint, so that losing the race for it does not end the transaction.
        db.Database.AutoSavepointsEnabled = true;
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            var claimed = await db.Database.ExecuteSqlInterpolatedAsync(
                $"""
                INSERT INTO whatsapp_events (event_key, kind, received_at)
                VALUES ({pseudonyms.KeyedId(eventKey)}, {kind}, {receivedAt})
                ON CONFLICT DO NOTHING
                """,
                cancellationToken);
            if (claimed == 1)
            {
                return new Claim(db, transaction);
            }
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }

        await transaction.DisposeAsync();
        return null;
    }

    public Task<OpenAiCallId?> LinkOpenAiCallAsync(string whatsAppCallId, DateTimeOffset now, CancellationToken cancellationToken) =>
        LinkAsync(db, whatsAppCallId, now, cancellationToken);

    /// <summary>
    /// Links <c>whatsapp_calls</c> and <c>calls</c> rows that share a WhatsApp call id (the earliest OpenAI call when
    /// several do), and gives the WhatsApp call the OpenAI call's profile if it has none. Returns OpenAI's call id
    /// when a link was made. Both sides run it after their commit (see <see cref="IWhatsAppStore.LinkOpenAiCallAsync"/>).
    /// </summary>
    internal static async Task<OpenAiCallId?> LinkAsync(EasyMoDbContext db, string whatsAppCallId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var linked = await db.Database
            .SqlQuery<string>(
                $"""
                UPDATE whatsapp_calls AS w
                SET call_id = c.id, profile_id = COALESCE(w.profile_id, c.profile_id), updated_at = GREATEST(w.updated_at, {now})
                FROM (SELECT id, call_id, profile_id FROM calls WHERE whatsapp_call_id = {whatsAppCallId} ORDER BY received_at LIMIT 1) AS c
                WHERE w.whatsapp_call_id = {whatsAppCallId} AND w.call_id IS NULL
                RETURNING c.call_id AS "Value"
                """)
            .ToListAsync(cancellationToken);
        return linked.Count == 0 ? null : new OpenAiCallId(linked[0]);
    }

    private sealed class Claim(EasyMoDbContext db, IDbContextTransaction transaction) : IWhatsAppEventClaim
    {
        private bool _committed;

        public async Task<Profile> GetOrCreateProfileAsync(WaId waId, PhoneNumber? phone, DateTimeOffset now, CancellationToken cancellationToken)
        {
            if (await FindProfileAsync(waId, phone, cancellationToken) is { } existing)
            {
                return existing;
            }

            // ON CONFLICT DO NOTHING: a first message and a first call from one number at the same moment share one profile.
            var created = Profile.Create(phone, waId, name: null, language: null, now);
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""
                INSERT INTO profiles (id, phone, wa_id, name, language, blocked, created_at, updated_at)
                VALUES ({created.Id}, {phone?.Value}, {waId.Value}, NULL, NULL, FALSE, {created.CreatedAt}, {created.UpdatedAt})
                ON CONFLICT DO NOTHING
                """,
                cancellationToken);
            return await FindProfileAsync(waId, phone, cancellationToken)
                ?? throw new InvalidOperationException("A profile inserted for a WhatsApp user cannot be read back.");
        }

        public async Task<WhatsAppCall> LockOrAddCallAsync(
            string whatsAppCallId,
            Func<WhatsAppCall> create,
            Action<WhatsAppCall> update,
            CancellationToken cancellationToken)
        {
            if (await LockCallAsync(whatsAppCallId, cancellationToken) is { } existing)
            {
                update(existing);
                return existing;
            }

            var fresh = create();
            db.WhatsAppCalls.Add(fresh);
            try
            {
                // Waits for a concurrent first event of the same call, and then fails with 23505 (rolled back to a savepoint).
                await db.SaveChangesAsync(cancellationToken);
                return fresh;
            }
            catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: UniqueViolation })
            {
                db.Entry(fresh).State = EntityState.Detached;
            }

            var winner = await LockCallAsync(whatsAppCallId, cancellationToken)
                ?? throw new InvalidOperationException("A WhatsApp call that conflicted on insert cannot be read back.");
            update(winner);
            return winner;
        }

        public void Add(VoiceNote note) => db.VoiceNotes.Add(note);

        public void Add(CallRecording recording) => db.CallRecordings.Add(recording);

        public void Add(OutboxMessage message) => db.OutboxMessages.Add(message);

        public async Task<IReadOnlyList<VoiceNote>> FindNotesAwaitingConsentAsync(WaId waId, CancellationToken cancellationToken) =>
            await db.VoiceNotes.Where(note => note.SenderWaId == waId && note.Status == VoiceNoteStatus.AwaitingConsent).ToListAsync(cancellationToken);

        public void Remove(VoiceNote note) => db.VoiceNotes.Remove(note);

        public async Task<(Guid? ProfileId, bool Granted)> FindCallConsentAsync(string whatsAppCallId, WaId? waId, CancellationToken cancellationToken)
        {
            var profile = waId is not { } id ? null : await FindProfileAsync(id, id.Phone, cancellationToken);
            var callConsent = await db.Calls.AsNoTracking()
                .Where(call => call.WhatsAppCallId == whatsAppCallId)
                .Select(call => (Consent?)call.Consent)
                .FirstOrDefaultAsync(cancellationToken);

            // The answer given on the call itself decides; a call that was not asked goes by the caller's remembered answer.
            var granted = callConsent is { } consent && consent != Consent.NotAsked
                ? consent == Consent.Granted
                : profile?.Consent == Consent.Granted;
            return (profile?.Id, granted);
        }

        public async Task<OutboxMessage?> LockOutboxMessageAsync(string providerMessageId, CancellationToken cancellationToken)
        {
            var rows = await db.OutboxMessages
                .FromSqlInterpolated($"SELECT * FROM outbox_messages WHERE provider_message_id = {providerMessageId} FOR UPDATE")
                .ToListAsync(cancellationToken);
            return rows.SingleOrDefault();
        }

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            if (!_committed)
            {
                db.ChangeTracker.Clear();
            }
        }

        private Task<Profile?> FindProfileAsync(WaId waId, PhoneNumber? phone, CancellationToken cancellationToken) =>
            phone is null
                ? db.Profiles.FirstOrDefaultAsync(profile => profile.WhatsAppId == waId, cancellationToken)
                : db.Profiles
                    .Where(profile => profile.WhatsAppId == waId || profile.Phone == phone)
                    .OrderBy(profile => profile.WhatsAppId == waId ? 0 : 1)
                    .FirstOrDefaultAsync(cancellationToken);

        private async Task<WhatsAppCall?> LockCallAsync(string whatsAppCallId, CancellationToken cancellationToken)
        {
            // Not composed (ToList): the row lock must be on the statement as written.
            var rows = await db.WhatsAppCalls
                .FromSqlInterpolated($"SELECT * FROM whatsapp_calls WHERE whatsapp_call_id = {whatsAppCallId} FOR UPDATE")
                .ToListAsync(cancellationToken);
            return rows.SingleOrDefault();
        }
    }
}
