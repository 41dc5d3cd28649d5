namespace EasyMo.Application.Features.WhatsApp;

/// <summary>What became of one event of a WhatsApp webhook.</summary>
public enum WhatsAppEventOutcome
{
    Recorded,

    /// <summary>The event had been recorded before (Meta redelivers): nothing was done.</summary>
    Duplicate,

    /// <summary>The event was understood and deliberately not kept (a recording without the caller's consent).</summary>
    Ignored,
}
