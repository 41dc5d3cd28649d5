using EasyMo.Domain.WhatsApp;
using Mediator;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppCallConnected;

/// <summary>
/// A <c>connect</c> event of Meta's <c>calls</c> webhook: a WhatsApp user calling the business (or the user's side of
/// a business-initiated call). <paramref name="UserWaId"/> is the user's <c>wa_id</c>, <paramref name="ContactName"/>
/// the name of their WhatsApp profile when the webhook's <c>contacts</c> carries it. The SDP is not part of it.
/// </summary>
public sealed record RecordWhatsAppCallConnectedCommand(
    string WhatsAppCallId,
    WhatsAppCallDirection? Direction,
    WaId? UserWaId,
    string? BusinessPhoneNumberId,
    DateTimeOffset? ConnectedAt,
    string? ContactName)
    : ICommand<WhatsAppEventOutcome>;
