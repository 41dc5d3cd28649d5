using FluentValidation;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppMessage;

public sealed class RecordWhatsAppMessageValidator : AbstractValidator<RecordWhatsAppMessageCommand>
{
    public RecordWhatsAppMessageValidator()
    {
        RuleFor(command => command.MessageId).MustBeAWhatsAppId();
        RuleFor(command => command.Type).MustBeAWhatsAppId().MaximumLength(WhatsAppIds.MaxStatusLength);
        RuleFor(command => command.BusinessPhoneNumberId).MustBeAnOptionalId();
        RuleFor(command => command.ContactName).MaximumLength(1024);
        RuleFor(command => command.Audio!.MediaId).MustBeAnOptionalId().When(command => command.Audio is not null);
        RuleFor(command => command.Audio!.MimeType).MaximumLength(128).When(command => command.Audio is not null);
    }
}
