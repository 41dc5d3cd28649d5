using EasyMo.Application.Common.Validation;
using FluentValidation;

namespace EasyMo.Application.Features.Calls.RecordCallEnded;

public sealed class RecordCallEndedValidator : AbstractValidator<RecordCallEndedCommand>
{
    public RecordCallEndedValidator()
    {
        RuleFor(command => command.CallId).MustNameACall();
        RuleFor(command => command.Reason).IsInEnum();
    }
}
