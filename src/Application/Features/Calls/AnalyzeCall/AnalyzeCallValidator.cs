using EasyMo.Application.Common.Validation;
using FluentValidation;

namespace EasyMo.Application.Features.Calls.AnalyzeCall;

public sealed class AnalyzeCallValidator : AbstractValidator<AnalyzeCallCommand>
{
    public AnalyzeCallValidator() => RuleFor(command => command.CallId).MustNameACall();
}
