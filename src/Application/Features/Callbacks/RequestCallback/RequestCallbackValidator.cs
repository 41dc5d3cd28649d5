using EasyMo.Domain.Common;
using FluentValidation;

namespace EasyMo.Application.Features.Callbacks.RequestCallback;

public sealed class RequestCallbackValidator : AbstractValidator<RequestCallbackCommand>
{
    public RequestCallbackValidator() =>
        RuleFor(command => command.Phone)
            .Must(phone => PhoneNumber.TryParse(phone, out _))
            .OverridePropertyName("phone")
            .WithMessage("phone must be an E.164 phone number, with or without '+' (+250788123456).");
}
