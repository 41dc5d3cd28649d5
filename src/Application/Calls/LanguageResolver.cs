using EasyMo.Domain.Common;
using EasyMo.Domain.Profiles;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Calls;

/// <summary>Chooses the language of a call: the profile's, else the caller's country's, else the default.</summary>
public sealed class LanguageResolver
{
    private readonly (string Prefix, Language Language)[] _byCountry;
    private readonly Language _default;

    public LanguageResolver(IOptions<CallHandlingOptions> options)
    {
        var value = options.Value;
        _default = Language.TryParse(value.DefaultLanguage, out var fallback) ? fallback : Language.English;
        _byCountry = value.LanguageByCountryCode
            .Select(pair => (Prefix: pair.Key.Trim().TrimStart('+'), Language: Language.TryParse(pair.Value, out var language) ? language : null))
            .Where(pair => pair.Prefix.Length > 0 && pair.Language is not null)
            .OrderByDescending(pair => pair.Prefix.Length)
            .Select(pair => (pair.Prefix, pair.Language!))
            .ToArray();
    }

    public Language Resolve(Profile? profile, PhoneNumber? caller)
    {
        if (profile?.Language is { } preferred)
        {
            return preferred;
        }

        if (caller is not null)
        {
            foreach (var (prefix, language) in _byCountry)
            {
                if (caller.StartsWithCountryCode(prefix))
                {
                    return language;
                }
            }
        }

        return _default;
    }
}
