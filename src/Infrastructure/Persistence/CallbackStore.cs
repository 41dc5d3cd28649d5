using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Callbacks;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Infrastructure.Persistence.Configurations;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// Calls back in PostgreSQL. An offer is one statement: queued unless the number has one open (the partial unique index
/// <see cref="CallbackConfiguration.OpenPerPhoneIndex"/>) or had its day's limit, so concurrent offers for one number —
/// two instances, a redelivery — queue one.
/// </summary>
internal sealed class CallbackStore(EasyMoDbContext db) : ICallbackStore
{
    public async Task<CallbackOffer> OfferAsync(Callback callback, int maxPerDay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var (status, reason) = (StateNames.Of(callback.Status), StateNames.Of(callback.Reason));
        var queued = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO callbacks (id, phone, profile_id, language, time_zone, reason, origin_call_id, requested_at, local_day, status, due_at, expires_at, requested_by)
            SELECT {callback.Id}, {callback.Phone.Value}, {callback.ProfileId}, {callback.Language.Code}, {callback.TimeZone}, {reason},
                   {callback.OriginCallId?.Value}, {callback.RequestedAt}, {callback.LocalDay}, {status}, {callback.DueAt}, {callback.ExpiresAt}, {callback.RequestedBy}
            WHERE (SELECT count(*) FROM callbacks
                   WHERE phone = {callback.Phone.Value} AND local_day = {callback.LocalDay} AND status NOT IN ('cancelled', 'expired', 'failed')) < {maxPerDay}
            ON CONFLICT (phone) WHERE status IN ('queued', 'dialing') DO NOTHING
            """,
            cancellationToken);
        if (queued == 1)
        {
            return CallbackOffer.Queued;
        }

        var open = await db.Callbacks.AnyAsync(
            row => row.Phone == callback.Phone && (row.Status == CallbackStatus.Queued || row.Status == CallbackStatus.Dialing), cancellationToken);
        return open ? CallbackOffer.AlreadyOpen : CallbackOffer.LimitReached;
    }

    public Task<Callback?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.Callbacks.FirstOrDefaultAsync(callback => callback.Id == id, cancellationToken);

    public Task<Callback?> FindBySessionAsync(OpenAiCallId sessionId, CancellationToken cancellationToken) =>
        db.Callbacks.FirstOrDefaultAsync(callback => callback.SessionId == sessionId, cancellationToken);

    public async Task<IReadOnlyList<Callback>> ListAsync(CallbackStatus? status, int limit, CancellationToken cancellationToken)
    {
        var query = db.Callbacks.AsNoTracking();
        if (status is { } wanted)
        {
            query = query.Where(callback => callback.Status == wanted);
        }

        return await query.OrderByDescending(callback => callback.RequestedAt).Take(Math.Clamp(limit, 1, 200)).ToListAsync(cancellationToken);
    }

    public void Add(Call call) => db.Calls.Add(call);

    public Task SaveChangesAsync(CancellationToken cancellationToken) => db.SaveChangesAsync(cancellationToken);

    public async Task<bool> TrySaveChangesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }
}
