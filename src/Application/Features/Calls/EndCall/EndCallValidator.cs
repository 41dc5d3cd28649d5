using EasyMo.Application.Common.Validation;
using FluentValidation;

namespace EasyMo.Application.Features.Calls.EndCall;

public sealed class EndCallValidator : AbstractValidator<EndCallCommand>
{
    public EndCallValidator()
    {
        RuleFor(command => command.CallId).MustNameACall();
        RuleFor(command => command.By).MaximumLength(64);
    }
}
