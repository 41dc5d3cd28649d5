namespace EasyMo.Domain.Calls;

/// <summary>How the caller reached the SIP endpoint.</summary>
public enum CallChannel
{
    /// <summary>A carrier trunk (MTN Rwanda, GO Malta, …).</summary>
    Phone,

    /// <summary>A WhatsApp Business call relayed over SIP.</summary>
    WhatsApp,
}

/// <summary>The channels' one spelling: in the contract, the API, the database and the transfer targets' keys.</summary>
public static class CallChannels
{
    /// <summary><c>whatsapp</c> or <c>phone</c>.</summary>
    public static string Name(this CallChannel channel) => channel == CallChannel.WhatsApp ? "whatsapp" : "phone";

    /// <summary>Every channel's name, WhatsApp first (the order the operators' figures list them in).</summary>
    public static IReadOnlyList<string> Names { get; } = [CallChannel.WhatsApp.Name(), CallChannel.Phone.Name()];
}
