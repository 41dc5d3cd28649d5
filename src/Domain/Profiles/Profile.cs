using EasyMo.Domain.Common;
using EasyMo.Domain.WhatsApp;
using EasyMo.Domain.Privacy;

namespace EasyMo.Domain.Profiles;

/// <summary>A caller EasyMO knows: by phone number and, when they use WhatsApp, by WhatsApp id.</summary>
public sealed class Profile
{
    private Profile()
    {
        // For EF Core.
    }

    public Guid Id { get; private set; }

    public PhoneNumber? Phone { get; private set; }

    /// <summary>WhatsApp's id of the user (<c>wa_id</c>, digits).</summary>
    public WaId? WhatsAppId { get; private set; }

    public string? Name { get; private set; }

    /// <summary>The language the caller prefers; null until known.</summary>
    public Language? Language { get; private set; }

    public bool Blocked { get; private set; }

    /// <summary>The caller's last answer to the consent question (calls or voice notes).</summary>
    public Consent Consent { get; private set; }

    /// <summary>When the caller last answered; null when never asked.</summary>
    public DateTimeOffset? ConsentAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static Profile Create(PhoneNumber? phone, WaId? whatsAppId, string? name, Language? language, DateTimeOffset now)
    {
        if (phone is null && whatsAppId is null)
        {
            throw new DomainException("A profile needs a phone number or a WhatsApp id.");
        }

        return new Profile
        {
            Id = Guid.CreateVersion7(now),
            Phone = phone,
            WhatsAppId = whatsAppId,
            Name = NormalizeName(name),
            Language = language,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    public void Rename(string? name, DateTimeOffset now)
    {
        var normalized = NormalizeName(name);
        if (normalized == Name)
        {
            return;
        }

        Name = normalized;
        UpdatedAt = now;
    }

    /// <summary>Records the caller's WhatsApp id when the profile has none yet; a known one is kept.</summary>
    public void UseWhatsAppId(WaId whatsAppId, DateTimeOffset now)
    {
        if (WhatsAppId is not null)
        {
            return;
        }

        WhatsAppId = whatsAppId;
        UpdatedAt = now;
    }

    public void PreferLanguage(Language? language, DateTimeOffset now)
    {
        if (language == Language)
        {
            return;
        }

        Language = language;
        UpdatedAt = now;
    }

    /// <summary>Remembers the caller's answer to the consent question, so they are not asked again for a while.</summary>
    public void RememberConsent(bool granted, DateTimeOffset now)
    {
        Consent = granted ? Consent.Granted : Consent.Denied;
        ConsentAt = now;
        UpdatedAt = now;
    }

    /// <summary>
    /// The answer that applies at <paramref name="now"/>: the remembered one when it was given less than
    /// <paramref name="reaskAfter"/> ago, otherwise <see cref="Consent.NotAsked"/> (the caller is asked again).
    /// </summary>
    public Consent ConsentAsOf(DateTimeOffset now, TimeSpan reaskAfter) =>
        ConsentAt is { } at && now - at < reaskAfter ? Consent : Consent.NotAsked;

    public void SetBlocked(bool blocked, DateTimeOffset now)
    {
        if (blocked == Blocked)
        {
            return;
        }

        Blocked = blocked;
        UpdatedAt = now;
    }

    private static string? NormalizeName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var trimmed = name.Trim();
        if (trimmed.Length > 120)
        {
            throw new DomainException("A profile name is at most 120 characters.");
        }

        return trimmed;
    }
}
