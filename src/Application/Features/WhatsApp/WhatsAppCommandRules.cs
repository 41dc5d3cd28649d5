using FluentValidation;

namespace EasyMo.Application.Features.WhatsApp;

/// <summary>Validation rules the WhatsApp commands share.</summary>
internal static class WhatsAppCommandRules
{
    public static IRuleBuilderOptions<T, string> MustBeAWhatsAppId<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty()
            .MaximumLength(WhatsAppIds.MaxIdLength)
            .Must(WhatsAppIds.IsId).WithMessage("'{PropertyName}' must be printable ASCII without spaces.");


    public static IRuleBuilderOptions<T, string?> MustBeAnOptionalId<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(id => id is null || WhatsAppIds.IsId(id)).WithMessage("'{PropertyName}' must be printable ASCII without spaces.");
}
