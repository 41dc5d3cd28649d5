using Mediator;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppMessageStatus;

/// <summary>
/// The status of a message the business sent (<c>statuses[]</c> of the <c>messages</c> webhook: <c>sent</c>,
/// <c>delivered</c>, <c>read</c>, <c>failed</c>). Deduplicated per message and status; the outbox message sent with
/// that id records how far it got, never backwards.
/// </summary>
public sealed record RecordWhatsAppMessageStatusCommand(string MessageId, string Status)
    : ICommand<WhatsAppEventOutcome>;
