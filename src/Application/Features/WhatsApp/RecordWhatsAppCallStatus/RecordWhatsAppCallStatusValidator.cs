using FluentValidation;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppCallStatus;

public sealed class RecordWhatsAppCallStatusValidator : AbstractValidator<RecordWhatsAppCallStatusCommand>
{
    public RecordWhatsAppCallStatusValidator()
    {
        RuleFor(command => command.WhatsAppCallId).MustBeAWhatsAppId();
        RuleFor(command => command.Status).MustBeAWhatsAppId().MaximumLength(WhatsAppIds.MaxStatusLength);
        RuleFor(command => command.BusinessPhoneNumberId).MustBeAnOptionalId();
        RuleFor(command => command.ContactName).MaximumLength(1024);
    }
}
