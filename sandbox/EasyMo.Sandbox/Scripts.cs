using System.Text.RegularExpressions;

namespace EasyMo.Sandbox;

/// <summary>A step of a scripted call: the agent speaks, the caller speaks, or the agent calls a tool.</summary>
public abstract record ScriptStep;

public sealed record AgentSays(string Text) : ScriptStep;

public sealed record CallerSays(string Text) : ScriptStep;

public sealed record AgentCallsTool(string Name, string Arguments) : ScriptStep;

/// <summary>
/// The conversations the stand-in plays on the sideband socket, by language: the agent asking to keep the conversation,
/// the caller agreeing (record_consent), the caller asking for a taxi, the agent recording the request, the caller
/// hanging up. The Kinyarwanda is deliberately simple and still needs a native
/// speaker's review; French is included because the service picks it for many country codes.
/// </summary>
public static partial class Scripts
{
    public static IReadOnlyList<ScriptStep> English { get; } =
    [
        new AgentSays("Hello, this is EasyMO's AI assistant, not a person. May we keep this conversation to serve you better? Say yes or no, or press 1 for yes, 2 for no."),
        new CallerSays("Yes."),
        new AgentCallsTool("record_consent", """{"granted":true}"""),
        new AgentSays("Thank you. How can I help you today?"),
        new CallerSays("Hello, I need a taxi from Kimironko to the city centre."),
        new AgentSays("Sure. A taxi from Kimironko to the city centre, now. Is that right?"),
        new CallerSays("Yes, that's right. Thank you."),
        new AgentCallsTool("record_request", """{"service":"rides","location":"Kimironko","details":"Taxi now from Kimironko to the city centre"}"""),
        new AgentSays("Done. A driver will contact you on WhatsApp shortly. Goodbye!"),
    ];

    // Needs review by a native speaker.
    public static IReadOnlyList<ScriptStep> Kinyarwanda { get; } =
    [
        new AgentSays("Muraho, ndi umufasha wa EasyMO ukoresha ubwenge bw'ubukorano. Twakwemera kubika iki kiganiro kugira ngo tukorere neza? Vuga yego cyangwa oya."),
        new CallerSays("Yego."),
        new AgentCallsTool("record_consent", """{"granted":true}"""),
        new AgentSays("Murakoze. Nagufasha iki?"),
        new CallerSays("Muraho, ndashaka taxi."),
        new AgentSays("Yego. Uri he, kandi ujya he?"),
        new CallerSays("Ndi i Kimironko, njya mu mujyi."),
        new AgentCallsTool("record_request", """{"service":"rides","location":"Kimironko","details":"Taxi ivuye i Kimironko ijya mu mujyi"}"""),
        new AgentSays("Byakozwe. Umushoferi arakuvugisha kuri WhatsApp. Murakoze, murabeho!"),
    ];

    public static IReadOnlyList<ScriptStep> French { get; } =
    [
        new AgentSays("Bonjour, ici l'assistant IA d'EasyMO, pas une personne. Pouvons-nous conserver cette conversation pour mieux vous servir ? Dites oui ou non."),
        new CallerSays("Oui."),
        new AgentCallsTool("record_consent", """{"granted":true}"""),
        new AgentSays("Merci. Comment puis-je vous aider ?"),
        new CallerSays("Bonjour, j'ai besoin d'un taxi de Kimironko au centre-ville."),
        new AgentSays("Très bien : un taxi de Kimironko au centre-ville, maintenant. C'est bien ça ?"),
        new CallerSays("Oui, merci."),
        new AgentCallsTool("record_request", """{"service":"rides","location":"Kimironko","details":"Taxi maintenant de Kimironko au centre-ville"}"""),
        new AgentSays("C'est noté. Un chauffeur vous contactera sur WhatsApp. Au revoir !"),
    ];

    /// <summary>Canned call summaries, as the Responses API would write them.</summary>
    public static string Summary(string language) => language switch
    {
        "rw" => "Umukiriya yashakaga taxi ivuye i Kimironko ijya mu mujyi. Umufasha yanditse icyifuzo cye, umushoferi azamuvugisha kuri WhatsApp.",
        "fr" => "L'appelant voulait un taxi de Kimironko au centre-ville. L'assistant a enregistré la demande ; un chauffeur le contactera sur WhatsApp.",
        _ => "The caller asked for a taxi from Kimironko to the city centre. The assistant recorded the request; a driver will contact them on WhatsApp.",
    };

    /// <summary>Canned transcription of a voice note.</summary>
    public static string Transcription => "Muraho, ndashaka taxi i Kimironko.";

    /// <summary>The script for a language code (<c>en</c>, <c>fr</c>, <c>rw</c>); English otherwise.</summary>
    public static IReadOnlyList<ScriptStep> For(string language) => language switch
    {
        "rw" => Kinyarwanda,
        "fr" => French,
        _ => English,
    };

    /// <summary>
    /// The language an instruction text asks for: the first "in English|French|Kinyarwanda" (the service writes "Greet the
    /// caller warmly in Kinyarwanda …", "Write 1 to 3 short sentences in French …"); English otherwise.
    /// </summary>
    public static string LanguageOf(string? instructions)
    {
        var match = LanguageName().Match(instructions ?? string.Empty);
        return !match.Success ? "en" : match.Groups[1].Value.ToUpperInvariant() switch
        {
            "KINYARWANDA" => "rw",
            "FRENCH" => "fr",
            _ => "en",
        };
    }

    [GeneratedRegex(@"\bin (English|French|Kinyarwanda)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LanguageName();
}
