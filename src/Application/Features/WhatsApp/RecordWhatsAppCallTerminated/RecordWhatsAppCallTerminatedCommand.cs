using EasyMo.Domain.WhatsApp;
using Mediator;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppCallTerminated;

/// <summary>
/// A <c>terminate</c> event of Meta's <c>calls</c> webhook: the call is over, with Meta's <paramref name="Status"/>
/// (<c>COMPLETED</c>, <c>FAILED</c>, or another), the talk time when it was picked up, and the codes of <c>errors[]</c>.
/// It may arrive before the call's <c>connect</c>.
/// </summary>
public sealed record RecordWhatsAppCallTerminatedCommand(
    string WhatsAppCallId,
    WhatsAppCallDirection? Direction,
    WaId? UserWaId,
    string? BusinessPhoneNumberId,
    DateTimeOffset? TerminatedAt,
    string Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    int? DurationSeconds,
    IReadOnlyList<int> ErrorCodes,
    string? ContactName)
    : ICommand<WhatsAppEventOutcome>;
