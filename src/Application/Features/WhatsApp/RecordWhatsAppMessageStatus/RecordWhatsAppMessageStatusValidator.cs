using FluentValidation;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppMessageStatus;

public sealed class RecordWhatsAppMessageStatusValidator : AbstractValidator<RecordWhatsAppMessageStatusCommand>
{
    public RecordWhatsAppMessageStatusValidator()
    {
        RuleFor(command => command.MessageId).MustBeAWhatsAppId();
        RuleFor(command => command.Status).MustBeAWhatsAppId().MaximumLength(WhatsAppIds.MaxStatusLength);
    }
}
