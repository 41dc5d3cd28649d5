using System.Diagnostics.CodeAnalysis;

namespace EasyMo.Domain.Common;

/// <summary>A language the agent speaks: English, French or Kinyarwanda, by ISO 639-1 code.</summary>
public sealed record Language
{
    public static readonly Language English = new("en", "English");
    public static readonly Language French = new("fr", "French");
    public static readonly Language Kinyarwanda = new("rw", "Kinyarwanda");

    public static IReadOnlyList<Language> All { get; } = [English, French, Kinyarwanda];

    private Language(string code, string name)
    {
        Code = code;
        Name = name;
    }

    /// <summary>ISO 639-1 code: <c>en</c>, <c>fr</c> or <c>rw</c>.</summary>
    public string Code { get; }

    /// <summary>The English name of the language.</summary>
    public string Name { get; }

    public static Language FromCode(string code) =>
        TryParse(code, out var language) ? language : throw new DomainException($"'{code}' is not a supported language (en, fr, rw).");

    /// <summary>Accepts codes and tags (<c>fr</c>, <c>FR</c>, <c>fr-RW</c>, <c>kin</c>) and English names.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out Language? language)
    {
        language = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var text = value.Trim();
        var dash = text.IndexOfAny(['-', '_']);
        var primary = dash > 0 ? text[..dash] : text;
        language = primary.ToLowerInvariant() switch
        {
            "en" or "eng" or "english" => English,
            "fr" or "fra" or "fre" or "french" or "français" or "francais" => French,
            "rw" or "kin" or "kinyarwanda" or "ikinyarwanda" => Kinyarwanda,
            _ => null,
        };
        return language is not null;
    }

    public override string ToString() => Code;
}
