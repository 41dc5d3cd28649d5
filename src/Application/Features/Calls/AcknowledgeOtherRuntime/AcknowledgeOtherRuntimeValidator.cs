using EasyMo.Application.Common.Validation;
using FluentValidation;

namespace EasyMo.Application.Features.Calls.AcknowledgeOtherRuntime;

public sealed class AcknowledgeOtherRuntimeValidator : AbstractValidator<AcknowledgeOtherRuntimeCommand>
{
    public AcknowledgeOtherRuntimeValidator()
    {
        RuleFor(command => command.WebhookId).NotEmpty().MaximumLength(256);
        RuleFor(command => command.EventType).NotEmpty().MaximumLength(64);
        RuleFor(command => command.CallId).MustNameACall();
    }
}
