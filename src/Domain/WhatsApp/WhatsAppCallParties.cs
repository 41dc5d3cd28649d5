using EasyMo.Domain.Common;

namespace EasyMo.Domain.WhatsApp;

/// <summary>
/// Who is on a WhatsApp call, as one event tells it: the direction, the WhatsApp user (the caller of a user-initiated
/// call, the callee of a business-initiated one) and the business number's id. Any part may be unknown.
/// </summary>
public sealed record WhatsAppCallParties(
    WhatsAppCallDirection? Direction,
    WaId? UserWaId,
    PhoneNumber? UserPhone,
    string? BusinessPhoneNumberId);

/// <summary>
/// How a WhatsApp call ended (<c>terminate</c>): when, Meta's status, the talk time when the call was picked up, and the
/// error codes Meta gave.
/// </summary>
public sealed record WhatsAppCallTermination(
    DateTimeOffset At,
    string Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    int? DurationSeconds,
    IReadOnlyList<int> ErrorCodes);
