using EasyMo.Domain.Profiles;

namespace EasyMo.Application.Features.Profiles;

/// <summary>A caller's profile as operators see it (<c>GET|PUT /api/profiles/{phone}</c>), with how often they called.</summary>
public sealed record ProfileDetails(
    string Phone,
    string? Name,
    string? Language,
    bool Blocked,
    string? WhatsAppId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? UpdatedAt,
    int Calls,
    DateTimeOffset? LastCallAt)
{
    /// <summary>The profile's own number, else the one it was found by (a WhatsApp id with the same digits).</summary>
    public static ProfileDetails From(Profile profile, string requestedPhone, int calls, DateTimeOffset? lastCallAt) => new(
        profile.Phone?.Value ?? requestedPhone,
        profile.Name,
        profile.Language?.Code,
        profile.Blocked,
        profile.WhatsAppId?.Value,
        profile.CreatedAt,
        profile.UpdatedAt == profile.CreatedAt ? null : profile.UpdatedAt,
        calls,
        lastCallAt);
}
