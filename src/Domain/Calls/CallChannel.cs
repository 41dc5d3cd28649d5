namespace EasyMo.Domain.Calls;

/// <summary>How the caller reached the SIP endpoint.</summary>
public enum CallChannel
{
    /// <summary>A carrier trunk (MTN Rwanda, GO Malta, …).</summary>
    Phone,

    /// <summary>A WhatsApp Business call relayed over SIP.</summary>
    WhatsApp,
}
