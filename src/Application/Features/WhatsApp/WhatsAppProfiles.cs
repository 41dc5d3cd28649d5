using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Profiles;
using EasyMo.Domain.WhatsApp;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.WhatsApp;

/// <summary>
/// Keeps a WhatsApp user's profile current from an event: found (or created) by <c>wa_id</c> or number, given the
/// <c>wa_id</c> when it had none, and named after the contact's WhatsApp profile name when the event carries one.
/// </summary>
internal static class WhatsAppProfiles
{
    public static async Task<Profile?> UpdateAsync(
        IWhatsAppEventClaim claim,
        WaId? waId,
        string? contactName,
        DateTimeOffset now,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        if (waId is not { } id)
        {
            return null;
        }

        var profile = await claim.GetOrCreateProfileAsync(id, id.Phone, now, cancellationToken);
        var before = profile.UpdatedAt;
        profile.UseWhatsAppId(id, now);
        if (WhatsAppIds.CleanName(contactName) is { } name)
        {
            profile.Rename(name, now);
        }

        if (profile.UpdatedAt != before)
        {
            WhatsAppLog.ProfileUpdated(logger, profile.Id, id.Masked);
        }

        return profile;
    }
}
