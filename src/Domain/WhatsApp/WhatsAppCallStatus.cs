namespace EasyMo.Domain.WhatsApp;

/// <summary>
/// Where a WhatsApp call is, as far as Meta's webhooks have told. The order matters: events arrive out of order, and a
/// call only moves forward (a <c>connect</c> arriving after the <c>terminate</c> leaves it terminated).
/// </summary>
public enum WhatsAppCallStatus
{
    /// <summary>A <c>connect</c> event was seen: the call is being set up.</summary>
    Connected,

    /// <summary>Call status <c>RINGING</c> (business-initiated calls).</summary>
    Ringing,

    /// <summary>Call status <c>ACCEPTED</c> (business-initiated calls).</summary>
    Accepted,

    /// <summary>Call status <c>REJECTED</c> (business-initiated calls).</summary>
    Rejected,

    /// <summary>A <c>terminate</c> event was seen; its own status (<c>COMPLETED</c>, <c>FAILED</c>, …) is kept beside.</summary>
    Terminated,
}
