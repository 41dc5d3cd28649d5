using FluentValidation;

namespace EasyMo.Application.Features.Calls.RecordCallConsent;

public sealed class RecordCallConsentValidator : AbstractValidator<RecordCallConsentCommand>
{
    public RecordCallConsentValidator()
    {
        RuleFor(command => command.CallId).NotEmpty().MaximumLength(256);
        RuleFor(command => command.Source).IsInEnum();
    }
}
