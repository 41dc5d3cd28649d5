using EasyMo.Application.Common.Validation;
using FluentValidation;

namespace EasyMo.Application.Features.Calls.SummarizeCall;

public sealed class SummarizeCallValidator : AbstractValidator<SummarizeCallCommand>
{
    public SummarizeCallValidator() => RuleFor(command => command.CallId).MustNameACall();
}
