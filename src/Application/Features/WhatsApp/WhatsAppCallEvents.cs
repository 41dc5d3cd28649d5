using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.WhatsApp;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.WhatsApp;

/// <summary>
/// The path every call event takes: claim its key, keep the user's profile current, create or update the call's record
/// under a row lock, commit; then link the OpenAI call of the same conversation if it is stored already.
/// </summary>
internal static class WhatsAppCallEvents
{
    /// <summary>The call as recorded, or null when the event had been recorded before.</summary>
    public static async Task<WhatsAppCall?> RecordAsync(
        IWhatsAppStore store,
        string eventKey,
        string kind,
        string whatsAppCallId,
        WaId? userWaId,
        string? contactName,
        DateTimeOffset now,
        Func<WhatsAppCall> create,
        Action<WhatsAppCall> update,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        WhatsAppCall call;
        await using (var claim = await store.ClaimEventAsync(eventKey, kind, now, cancellationToken))
        {
            if (claim is null)
            {
                WhatsAppLog.Duplicate(logger, kind, eventKey);
                return null;
            }

            var profile = await WhatsAppProfiles.UpdateAsync(claim, userWaId, contactName, now, logger, cancellationToken);
            call = await claim.LockOrAddCallAsync(whatsAppCallId, create, update, cancellationToken);
            if (profile is not null)
            {
                call.LinkProfile(profile.Id, now);
            }

            await claim.CommitAsync(cancellationToken);
        }

        if (call.CallId is null && await store.LinkOpenAiCallAsync(whatsAppCallId, now, cancellationToken) is { } callId)
        {
            WhatsAppLog.CallLinked(logger, whatsAppCallId, callId);
        }

        return call;
    }

    public static WhatsAppCallParties Parties(WhatsAppCallDirection? direction, WaId? userWaId, string? businessPhoneNumberId) =>
        new(direction, userWaId, userWaId?.Phone, businessPhoneNumberId);
}
