using EasyMo.Application.Calls;
using EasyMo.Domain.Common;

namespace EasyMo.Infrastructure.Realtime;

/// <summary>What the agent is told to say first, so that it speaks before the caller has to.</summary>
internal static class Greetings
{
    public static string For(Language language, string? callerName)
    {
        var name = AgentInstructions.SanitizeName(callerName);
        var who = name is null ? "the caller" : $"the caller by name ({name})";
        return $"Greet {who} warmly in {language.Name}, say you are EasyMO's assistant, and ask how you can help. One or two short sentences.";
    }
}
