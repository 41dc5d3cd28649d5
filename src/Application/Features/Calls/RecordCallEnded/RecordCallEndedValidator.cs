using FluentValidation;

namespace EasyMo.Application.Features.Calls.RecordCallEnded;

public sealed class RecordCallEndedValidator : AbstractValidator<RecordCallEndedCommand>
{
    public RecordCallEndedValidator()
    {
        RuleFor(command => command.CallId).NotEmpty().MaximumLength(256);
        RuleFor(command => command.Reason).IsInEnum();
    }
}
