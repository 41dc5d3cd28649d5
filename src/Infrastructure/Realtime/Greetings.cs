using EasyMo.Application.Features.Calls;
using EasyMo.Domain.Common;

namespace EasyMo.Infrastructure.Realtime;

/// <summary>What the agent is told to say first, so that it speaks before the caller has to.</summary>
internal static class Greetings
{
    public static string For(Language language, string? callerName, bool askConsent = false)
    {
        var name = AgentInstructions.SanitizeName(callerName);
        var who = name is null ? "the caller" : $"the caller by name ({name})";
        return askConsent
            ? $"Greet {who} warmly in {language.Name}. Say that you are EasyMO's AI assistant, not a person, and ask: {ConsentQuestion(language)} "
              + "Then wait for the answer and call record_consent with it before anything else. Short sentences."
            : $"Greet {who} warmly in {language.Name}, say you are EasyMO's assistant, and ask how you can help. One or two short sentences.";
    }

    /// <summary>
    /// The first words of a call back, once the caller picked up: who calls and why (their call at <paramref name="calledAt"/>,
    /// their clock; or their request), then the consent question when they have no remembered answer.
    /// </summary>
    public static string ForCallback(Language language, string? callerName, string calledAt, bool requested, bool askConsent)
    {
        var name = AgentInstructions.SanitizeName(callerName);
        var who = name is null ? "the person who answered" : $"the person who answered by name ({name})";
        var why = requested
            ? "say that you are EasyMO's AI assistant, not a person, calling them back as they asked"
            : $"say that you are EasyMO's AI assistant, not a person, returning their call to EasyMO at {calledAt}, when every line was busy";
        return askConsent
            ? $"Greet {who} warmly in {language.Name}, {why}, and ask: {ConsentQuestion(language)} "
              + "Then wait for the answer and call record_consent with it before anything else. Short sentences."
            : $"Greet {who} warmly in {language.Name}, {why}, and ask how you can help. Two short sentences at most.";
    }

    /// <summary>The consent question, in the caller's language, as the agent should put it.</summary>
    public static string ConsentQuestion(Language language) => language.Code switch
    {
        "fr" => "« Pouvons-nous conserver cette conversation pour mieux vous servir ? Dites oui ou non, ou tapez 1 pour oui, 2 pour non. »",
        "rw" => "\"Twakwemera kubika iki kiganiro kugira ngo tukorere neza? Vuga yego cyangwa oya, cyangwa ukande 1 kuri yego, 2 kuri oya.\"",
        _ => "\"May we keep this conversation to serve you better? Say yes or no, or press 1 for yes, 2 for no.\"",
    };

    /// <summary>What the agent is told after the caller answered on the keypad.</summary>
    public static string KeypadConsent(bool granted) => granted
        ? "The caller pressed 1: they agree that the conversation is kept. Thank them in one short sentence and ask how you can help."
        : "The caller pressed 2: they do not want the conversation kept, and nothing will be. Say that is fine in one short sentence and ask how you can help.";
}
