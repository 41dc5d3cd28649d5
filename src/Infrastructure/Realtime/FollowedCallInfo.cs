using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Privacy;

namespace EasyMo.Infrastructure.Realtime;

/// <summary>
/// What following a call needs to know of it, copied when the call is handed to the monitor: a call this instance just
/// decided comes with it (no read), a call taken over reads it once.
/// </summary>
internal sealed record FollowedCallInfo(
    VoiceRuntime Runtime, Language Language, Consent Consent, DateTimeOffset AcceptedAt, string? CallerName, string? Caller = null)
{
    public static FollowedCallInfo Of(Call call, string? callerName) =>
        new(call.Runtime, call.Language, call.Consent, call.AcceptedAt ?? call.ReceivedAt, callerName, call.Caller?.Value);
}
