using FluentValidation;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppCallConnected;

public sealed class RecordWhatsAppCallConnectedValidator : AbstractValidator<RecordWhatsAppCallConnectedCommand>
{
    public RecordWhatsAppCallConnectedValidator()
    {
        RuleFor(command => command.WhatsAppCallId).MustBeAWhatsAppId();
        RuleFor(command => command.Direction).IsInEnum();
        RuleFor(command => command.BusinessPhoneNumberId).MustBeAnOptionalId();
        RuleFor(command => command.ContactName).MaximumLength(1024);
    }
}
