using EasyMo.Domain.WhatsApp;
using Mediator;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppCallStatus;

/// <summary>
/// A call status of Meta's <c>calls</c> webhook (<c>statuses[]</c> with <c>type:"call"</c>): <c>RINGING</c>,
/// <c>ACCEPTED</c> or <c>REJECTED</c> of a business-initiated call. Another status is deduplicated and kept out of the
/// call's record. <paramref name="UserWaId"/> is the <c>recipient_id</c>.
/// </summary>
public sealed record RecordWhatsAppCallStatusCommand(
    string WhatsAppCallId,
    string Status,
    WaId? UserWaId,
    string? BusinessPhoneNumberId,
    string? ContactName)
    : ICommand<WhatsAppEventOutcome>;
