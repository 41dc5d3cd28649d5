using System.Collections.Frozen;
using EasyMo.Domain.Common;

namespace EasyMo.Application.Features.Privacy;

/// <summary>
/// The consent question sent by text to the sender of a voice note, and the reading of their answer: yes / oui / yego
/// (or 1), no / non / oya (or 2), in any case, with punctuation around. Anything else is not an answer. The reply's
/// text is read for this and never kept.
/// </summary>
public static class ConsentReply
{
    private static readonly FrozenSet<string> Yes = FrozenSet.ToFrozenSet(["yes", "y", "yeah", "ok", "okay", "oui", "d'accord", "yego", "ego", "1"], StringComparer.Ordinal);

    private static readonly FrozenSet<string> No = FrozenSet.ToFrozenSet(["no", "n", "non", "oya", "2"], StringComparer.Ordinal);

    /// <summary>True for a yes, false for a no, null for anything else.</summary>
    public static bool? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40)
        {
            return null;
        }

        var word = text.Trim().Trim('.', '!', '?', ',', ' ', '"', '\'').ToLowerInvariant();
        return Yes.Contains(word) ? true : No.Contains(word) ? false : null;
    }

    /// <summary>The question, in the sender's language.</summary>
    public static string Question(Language language) => language.Code switch
    {
        "fr" => "Bonjour, ici l'assistant IA d'EasyMO. Pouvons-nous conserver vos messages vocaux pour mieux vous servir ? Répondez OUI ou NON. Sans votre accord, nous ne les écoutons pas et ne gardons rien.",
        "rw" => "Muraho, uyu ni umufasha wa EasyMO ukoresha AI. Twakwemera kubika ubutumwa bwawe bw'ijwi kugira ngo tugukorere neza? Subiza YEGO cyangwa OYA. Utabyemeye, ntitubwumva kandi nta na kimwe tubika.",
        _ => "Hello, this is EasyMO's AI assistant. May we keep your voice messages to serve you better? Reply YES or NO. Without your agreement we do not listen to them and keep nothing.",
    };
}
