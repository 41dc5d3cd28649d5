using EasyMo.Application.Common.Validation;
using FluentValidation;

namespace EasyMo.Application.Features.Calls.RecordCallConsent;

public sealed class RecordCallConsentValidator : AbstractValidator<RecordCallConsentCommand>
{
    public RecordCallConsentValidator()
    {
        RuleFor(command => command.CallId).MustNameACall();
        RuleFor(command => command.Source).IsInEnum();
    }
}
