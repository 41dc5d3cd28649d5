using EasyMo.Domain.Calls;

namespace EasyMo.Application.Features.Calls;

/// <summary>
/// The function tools the agent may call during a call, declared in every accept and answered over the sideband socket.
/// </summary>
public static class AgentTools
{
    public const string TransferToHuman = "transfer_to_human";
    public const string EndCall = "end_call";
    public const string SetPreferredLanguage = "set_preferred_language";
    public const string RecordRequest = "record_request";
    public const string RecordConsent = "record_consent";

    /// <summary>The services <c>record_request</c> offers (the post-call analysis names one of the same).</summary>
    private static readonly string ServiceNames = string.Join(',', EasyMoServices.All.Select(service => $"\"{service}\""));

    public static IReadOnlyList<AgentTool> All { get; } =
    [
        new(TransferToHuman,
            "Connect the caller to a human EasyMO agent. Use it when the caller asks for a person, is upset, or needs help you cannot give. Tell the caller you are connecting them first.",
            $$$"""{"type":"object","properties":{"reason":{"type":"string","description":"Why the caller needs a person, in a few words."},"service":{"type":"string","enum":[{{{ServiceNames}}}],"description":"The EasyMO service the caller needs, when you know it; the person who answers is told it."}},"required":["reason"],"additionalProperties":false}"""),
        new(EndCall,
            "End the call after you have said goodbye, when the caller has nothing more to ask.",
            """{"type":"object","properties":{},"additionalProperties":false}"""),
        new(SetPreferredLanguage,
            "Remember the language the caller prefers, for this call and the next ones. Use it when the caller asks to speak another language or clearly speaks one.",
            """{"type":"object","properties":{"language":{"type":"string","enum":["en","fr","rw"],"description":"en = English, fr = French, rw = Kinyarwanda."}},"required":["language"],"additionalProperties":false}"""),
        new(RecordRequest,
            "Record what the caller asks EasyMO for, once they have confirmed the details. EasyMO follows up on WhatsApp.",
            $$$"""{"type":"object","properties":{"service":{"type":"string","enum":[{{{ServiceNames}}}]},"location":{"type":"string","description":"Where the request is: town, neighbourhood or landmark."},"details":{"type":"string","description":"Everything else the caller said that matters, confirmed with them."}},"required":["service","location","details"],"additionalProperties":false}"""),
        new(RecordConsent,
            "Record the caller's answer to whether the conversation may be kept to serve them better. Call it as soon as the caller clearly says yes or no; if the answer is unclear, ask once more.",
            """{"type":"object","properties":{"granted":{"type":"boolean","description":"true if the caller agreed, false if they refused."}},"required":["granted"],"additionalProperties":false}"""),
    ];
}

/// <summary>A function tool: its name, when to use it, and its parameters as a JSON Schema document.</summary>
public sealed record AgentTool(string Name, string Description, string ParametersSchema);
