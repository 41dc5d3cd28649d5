using System.Collections.Frozen;
using System.Text;
using EasyMo.Domain.Common;

namespace EasyMo.Application.Features.Calls;

/// <summary>
/// The agent's instructions for a call, written in the caller's language from the templates in <c>Features/Calls/Templates</c>
/// (embedded in the assembly and read once). A caller's name and the summary of their last call are placed in them
/// after sanitising: both come, in the end, from what callers said or typed.
/// </summary>
public static class AgentInstructions
{
    private const string CallerPlaceholder = "{{caller}}";
    private const string LastSummaryPlaceholder = "{{last_summary}}";
    private const string LanguagePlaceholder = "{{language}}";
    private const int MaxNameLength = 60;

    /// <summary>Longest last-call summary placed in the instructions.</summary>
    public const int MaxSummaryLength = 400;

    private static readonly FrozenDictionary<string, string> Templates = Language.All.ToFrozenDictionary(
        language => language.Code,
        language => ReadTemplate($"agent.{language.Code}.txt"));

    private static readonly string LiveTemplate = ReadTemplate("live.txt");

    /// <summary>
    /// The instructions in <paramref name="language"/>, naming the caller when <paramref name="callerName"/> is known, and
    /// with the summary of the caller's last call when there is one (its template line is left out otherwise).
    /// </summary>
    public static string Build(Language language, string? callerName, string? lastSummary = null)
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
        // The summary goes in last, so that nothing in it is taken for a placeholder.
        var instructions = Templates[language.Code].Replace(CallerPlaceholder, callerLine, StringComparison.Ordinal);
        return WithLastSummary(instructions, SanitizeSummary(lastSummary));
    }

    /// <summary>
    /// GPT-Live's frontend instructions (<c>session.instructions</c>): who is speaking, in which language, and the three
    /// policies OpenAI's Live prompting guide asks for (backchannel, interruption, delegation). Short on purpose: the
    /// business rules and the tools stay in the backend prompt, <see cref="Build"/>, which the Responses model gets.
    /// </summary>
    /// <param name="language">The language to speak.</param>
    /// <param name="callerName">The caller's name, when known (cleaned here).</param>
    /// <param name="situation">Why this call happens, when it is not the caller's (a call back): said before everything else.</param>
    public static string BuildLiveFrontend(Language language, string? callerName, string? situation = null)
    {
        ArgumentNullException.ThrowIfNull(language);
        var name = SanitizeName(callerName);
        var callerLine = name is null ? "You do not know the caller's name yet." : $"The caller's name is \"{name}\"; greet them by name.";
        var languageName = language.Code switch
        {
            "fr" => "French",
            "rw" => "Kinyarwanda",
            _ => "English",
        };
        var prompt = LiveTemplate.Replace(CallerPlaceholder, callerLine, StringComparison.Ordinal).Replace(LanguagePlaceholder, languageName, StringComparison.Ordinal);
        return string.IsNullOrWhiteSpace(situation) ? prompt : $"{situation.Trim()}\n\n{prompt}";
    }

    /// <summary>
    /// A last-call summary is model-written from caller speech: one line of printable text (no control or format
    /// characters, no line breaks, no double quotes to close the quotation around it), cut at <see cref="MaxSummaryLength"/>.
    /// </summary>
    internal static string? SanitizeSummary(string? summary) => UntrustedText.Quotable(summary, MaxSummaryLength);

    /// <summary>Fills the last-summary line of a template, or removes the whole line when there is no summary.</summary>
    private static string WithLastSummary(string instructions, string? summary)
    {
        var at = instructions.IndexOf(LastSummaryPlaceholder, StringComparison.Ordinal);
        if (at < 0)
        {
            return instructions;
        }

        if (summary is not null)
        {
            return string.Concat(instructions.AsSpan(0, at), summary, instructions.AsSpan(at + LastSummaryPlaceholder.Length));
        }

        var start = instructions.LastIndexOf('\n', at) + 1;
        var end = instructions.IndexOf('\n', at);
        return end < 0 ? instructions[..start].TrimEnd('\n') : instructions.Remove(start, end - start + 1);
    }

    /// <summary>Names come from profiles that callers can influence: keep letters, marks, spaces and a few separators only.</summary>
    public static string? SanitizeName(string? name) => UntrustedText.Name(name, MaxNameLength);

    private static string ReadTemplate(string fileName)
    {
        var assembly = typeof(AgentInstructions).Assembly;
        var resource = $"{assembly.GetName().Name}.Calls.Templates.{fileName}";
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The instructions template {resource} is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().ReplaceLineEndings("\n").TrimEnd();
    }
}
