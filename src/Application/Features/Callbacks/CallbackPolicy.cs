using EasyMo.Application.Features.Calls;
using EasyMo.Domain.Callbacks;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Features.Callbacks;

/// <summary>
/// Whether calls back are offered, and what one is: the caller's time zone (by their number), their calling hours, the
/// day's limit. Outbound calling that OpenAI refused (<c>403 outbound_sip_not_enabled</c>) turns the feature off on this
/// instance, said once: no caller is then promised a call back that cannot be placed.
/// </summary>
public sealed partial class CallbackPolicy
{
    private readonly CallbackOptions _options;
    private readonly PrefixTable<TimeZoneInfo> _zones;
    private readonly TimeZoneInfo _defaultZone;
    private readonly ILogger<CallbackPolicy> _logger;
    private int _off;

    public CallbackPolicy(IOptions<CallbackOptions> options, ILogger<CallbackPolicy> logger)
    {
        _options = options.Value;
        _logger = logger;
        _zones = new PrefixTable<TimeZoneInfo>(_options.TimeZones, FindZone);
        _defaultZone = FindZone(_options.DefaultTimeZone) ?? TimeZoneInfo.Utc;
        Hours = new CallingHours(_options.CallingHoursStart, _options.CallingHoursEnd);
    }

    /// <summary>Whether callers are offered calls back now: configured on, and not refused by OpenAI since this instance started.</summary>
    public bool IsOn => _options.Enabled && Volatile.Read(ref _off) == 0;

    public CallingHours Hours { get; }

    public int MaxPerNumberPerDay => Math.Max(1, _options.MaxPerNumberPerDay);

    /// <summary>The caller's time zone, by their number's country code.</summary>
    public TimeZoneInfo ZoneOf(PhoneNumber phone) => _zones.Find(phone) ?? _defaultZone;

    /// <summary>A call back to <paramref name="phone"/>, not yet queued.</summary>
    public Callback Offer(
        PhoneNumber phone, Guid? profileId, Language language, CallbackReason reason, OpenAiCallId? originCallId, DateTimeOffset at, string? requestedBy = null) =>
        Callback.Offer(phone, profileId, language, ZoneOf(phone), reason, originCallId, at, _options.ExpireAfter, requestedBy);

    /// <summary>
    /// OpenAI said outbound calling is not enabled for the organization: no call back is offered or placed on this
    /// instance from now on. Returns whether this was the first time (the one time it is logged).
    /// </summary>
    public bool TurnOffOutbound(string code)
    {
        if (Interlocked.Exchange(ref _off, 1) != 0)
        {
            return false;
        }

        OutboundRefused(_logger, code);
        return true;
    }

    /// <summary>When the caller called (or the operator asked), on the caller's clock: <c>14:05</c>.</summary>
    public static string CalledAt(Callback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var zone = FindZone(callback.TimeZone) ?? TimeZoneInfo.Utc;
        return TimeZoneInfo.ConvertTime(callback.RequestedAt, zone).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>An IANA (or Windows) time zone id as this machine knows it; null when it does not.</summary>
    public static TimeZoneInfo? FindZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 1800, EventName = "CALLBACKS_OUTBOUND_REFUSED", Level = LogLevel.Error,
        Message = "OpenAI refused outbound SIP calling ({Code}): calls back are off on this instance until outbound calling is enabled for the organization and the service restarts")]
    private static partial void OutboundRefused(ILogger logger, string code);
}
