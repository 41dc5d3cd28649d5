using EasyMo.Domain.Common;
using EasyMo.Domain.Profiles;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Features.Calls;

/// <summary>Chooses the language of a call: the profile's, else the caller's country's, else the default.</summary>
public sealed class LanguageResolver(IOptions<CallHandlingOptions> options)
{
    private readonly PrefixTable<Language> _byCountry = new(
        options.Value.LanguageByCountryCode,
        code => Language.TryParse(code, out var language) ? language : null);

    private readonly Language _default = Language.TryParse(options.Value.DefaultLanguage, out var fallback) ? fallback : Language.English;

    public Language Resolve(Profile? profile, PhoneNumber? caller) =>
        profile?.Language ?? _byCountry.Find(caller) ?? _default;
}
