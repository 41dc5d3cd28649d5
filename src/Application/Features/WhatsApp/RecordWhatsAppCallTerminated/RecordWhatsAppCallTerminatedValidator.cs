using EasyMo.Domain.WhatsApp;
using FluentValidation;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppCallTerminated;

public sealed class RecordWhatsAppCallTerminatedValidator : AbstractValidator<RecordWhatsAppCallTerminatedCommand>
{
    public const int MaxErrorCodes = 64;

    public RecordWhatsAppCallTerminatedValidator()
    {
        RuleFor(command => command.WhatsAppCallId).MustBeAWhatsAppId();
        RuleFor(command => command.Direction).IsInEnum();
        RuleFor(command => command.BusinessPhoneNumberId).MustBeAnOptionalId();
        RuleFor(command => command.Status).NotEmpty().MaximumLength(WhatsAppCall.MaxTerminationStatusLength);
        RuleFor(command => command.DurationSeconds).GreaterThanOrEqualTo(0);
        RuleFor(command => command.ErrorCodes).NotNull().Must(codes => codes.Count <= MaxErrorCodes)
            .WithMessage($"A terminate carries at most {MaxErrorCodes} error codes here.");
        RuleFor(command => command.ContactName).MaximumLength(1024);
    }
}
