using EasyMo.Domain.Callbacks;
using EasyMo.Domain.Common;

namespace EasyMo.Application.Features.Callbacks;

/// <summary>A call back as the operators' API shows it (states in their snake_case names).</summary>
public sealed record CallbackItem(
    Guid Id,
    string Phone,
    string Status,
    string Reason,
    string Language,
    string TimeZone,
    string? OriginCallId,
    string? SessionId,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? DialedAt,
    DateTimeOffset? SettledAt,
    string? Error,
    string? RequestedBy)
{
    public static CallbackItem From(Callback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new CallbackItem(
            callback.Id,
            callback.Phone.Value,
            StateNames.Of(callback.Status),
            StateNames.Of(callback.Reason),
            callback.Language.Code,
            callback.TimeZone,
            callback.OriginCallId?.Value,
            callback.SessionId?.Value,
            callback.RequestedAt,
            callback.ExpiresAt,
            callback.DialedAt,
            callback.SettledAt,
            callback.Error,
            callback.RequestedBy);
    }
}
