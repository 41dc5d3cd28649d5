using FluentValidation;

namespace EasyMo.Application.Features.Profiles.UpsertProfile;

public sealed class UpsertProfileValidator : AbstractValidator<UpsertProfileCommand>
{
    public UpsertProfileValidator()
    {
        RuleFor(command => command.Phone).IsPhoneNumber();
        RuleFor(command => command)
            .Must(command => command.HasName || command.HasLanguage || command.HasBlocked)
            .OverridePropertyName("body").WithMessage("The body must set at least one of name, language, blocked.");
        RuleFor(command => command.Name)
            .Must(name => name is null || name.Trim().Length <= ProfileRules.MaxNameLength)
            .OverridePropertyName("name").WithMessage($"name must be at most {ProfileRules.MaxNameLength} characters.");
        RuleFor(command => command.Name)
            .Must(name => name is null || !name.Any(c => char.IsControl(c)))
            .OverridePropertyName("name").WithMessage("name must not hold control characters.");
        RuleFor(command => command.Language)
            .Must(language => language is null || language.Trim().ToLowerInvariant() is "en" or "fr" or "rw")
            .OverridePropertyName("language").WithMessage("language must be en, fr or rw (or null to forget it).");
    }
}
