using EasyMo.Application.Common.Validation;
using FluentValidation;

namespace EasyMo.Application.Features.Calls.HandleCallTool;

public sealed class HandleCallToolValidator : AbstractValidator<HandleCallToolCommand>
{
    public HandleCallToolValidator()
    {
        RuleFor(command => command.CallId).MustNameACall();
        RuleFor(command => command.ToolName).NotEmpty().MaximumLength(64);
        RuleFor(command => command.Arguments).NotNull().MaximumLength(16_384);
    }
}
