using EasyMo.Domain.Calls;

namespace EasyMo.Application.Features.Calls.GetCall;

/// <summary>
/// A call as operators see it (<c>GET /api/calls/{callId}</c>). Phone numbers are shown whole: the API is behind the admin
/// token. <c>summaryStatus</c> is <c>none</c> (not ended), <c>pending</c>, <c>done</c> (with a summary, or none for a call
/// without transcript) or <c>failed</c>.
/// </summary>
public sealed record CallDetails(
    string CallId,
    string Status,
    string Channel,
    string? Trunk,
    string Language,
    string? Caller,
    string? CallerName,
    string? Callee,
    string? WhatsAppCallId,
    Guid? ProfileId,
    DateTimeOffset StartedAt,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? DecidedAt,
    DateTimeOffset? EndedAt,
    int? DurationSeconds,
    string? EndReason,
    int? SipStatusCode,
    string? Model,
    string? Voice,
    string? Summary,
    string SummaryStatus)
{
    public static CallDetails From(Call call) => new(
        call.CallId,
        Wire(call.Status),
        call.Channel == CallChannel.WhatsApp ? "whatsapp" : "phone",
        call.Trunk,
        call.Language.Code,
        call.Caller?.Value,
        call.CallerName,
        call.Callee?.Value,
        call.WhatsAppCallId,
        call.ProfileId,
        call.ReceivedAt,
        call.AcceptedAt,
        call.DecidedAt,
        call.EndedAt,
        call.DurationSeconds,
        call.EndReason is { } reason ? Wire(reason) : null,
        call.SipStatusCode,
        call.Model,
        call.Voice,
        call.Summary,
        Wire(call.SummaryStatus));

    /// <summary>The snake_case name an enum value has on the wire and in the database (<c>CallerHangup → caller_hangup</c>).</summary>
    public static string Wire<TEnum>(TEnum value)
        where TEnum : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
