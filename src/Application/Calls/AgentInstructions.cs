using System.Collections.Frozen;
using System.Text;
using EasyMo.Domain.Common;

namespace EasyMo.Application.Calls;

/// <summary>
/// The agent's instructions for a call, written in the caller's language from the templates in <c>Calls/Templates</c>
/// (embedded in the assembly and read once).
/// </summary>
public static class AgentInstructions
{
    private const string CallerPlaceholder = "{{caller}}";
    private const int MaxNameLength = 60;

    private static readonly FrozenDictionary<string, string> Templates = Language.All.ToFrozenDictionary(
        language => language.Code,
        language => ReadTemplate($"agent.{language.Code}.txt"));

    public static string Build(Language language, string? callerName)
    {
        var name = SanitizeName(callerName);
        var callerLine = (language.Code, name) switch
        {
            ("fr", null) => "Vous ne connaissez pas encore le nom de l'appelant.",
            ("fr", _) => $"L'appelant s'appelle « {name} » ; saluez-le par son nom.",
            ("rw", null) => "Ntuzi izina ry'uguhamagaye.",
            ("rw", _) => $"Uguhamagaye yitwa \"{name}\"; musuhuze mu izina rye.",
            (_, null) => "You do not know the caller's name yet.",
            _ => $"The caller's name is \"{name}\"; greet them by name.",
        };
        return Templates[language.Code].Replace(CallerPlaceholder, callerLine, StringComparison.Ordinal);
    }

    /// <summary>Names come from profiles that callers can influence: keep letters, marks, spaces and a few separators only.</summary>
    public static string? SanitizeName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var builder = new StringBuilder(Math.Min(name.Length, MaxNameLength));
        var lastWasSpace = false;
        foreach (var c in name.Trim())
        {
            if (builder.Length == MaxNameLength)
            {
                break;
            }

            if (char.IsLetter(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark
                || c is '\'' or '’' or '-' or '.')
            {
                builder.Append(c);
                lastWasSpace = false;
            }
            else if (char.IsWhiteSpace(c) && !lastWasSpace && builder.Length > 0)
            {
                builder.Append(' ');
                lastWasSpace = true;
            }
        }

        var clean = builder.ToString().Trim();
        return clean.Length == 0 ? null : clean;
    }

    private static string ReadTemplate(string fileName)
    {
        var assembly = typeof(AgentInstructions).Assembly;
        var resource = $"{assembly.GetName().Name}.Calls.Templates.{fileName}";
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The instructions template {resource} is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().TrimEnd();
    }
}
