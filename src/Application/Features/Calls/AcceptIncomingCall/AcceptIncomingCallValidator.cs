using EasyMo.Application.Common.Validation;
using FluentValidation;

namespace EasyMo.Application.Features.Calls.AcceptIncomingCall;

public sealed class AcceptIncomingCallValidator : AbstractValidator<AcceptIncomingCallCommand>
{
    public const int MaxHeaders = 256;

    public AcceptIncomingCallValidator()
    {
        RuleFor(command => command.WebhookId).NotEmpty().MaximumLength(256);
        RuleFor(command => command.CallId).MustNameACall();
        RuleFor(command => command.SipHeaders)
            .NotNull()
            .Must(headers => headers.Count <= MaxHeaders).WithMessage($"A SIP INVITE carries at most {MaxHeaders} headers here.");
        RuleForEach(command => command.SipHeaders).ChildRules(header =>
        {
            header.RuleFor(h => h.Name).NotEmpty().MaximumLength(256);
            header.RuleFor(h => h.Value).NotNull().MaximumLength(8192);
        });
    }
}
