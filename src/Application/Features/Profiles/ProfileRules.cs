using EasyMo.Domain.Common;
using FluentValidation;

namespace EasyMo.Application.Features.Profiles;

internal static class ProfileRules
{
    public const int MaxNameLength = 100;

    public static IRuleBuilderOptions<T, string> IsPhoneNumber<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(phone => PhoneNumber.TryParse(phone, out _))
            .OverridePropertyName("phone")
            .WithMessage("phone must be an E.164 phone number, with or without '+' (+250788123456).");
}
