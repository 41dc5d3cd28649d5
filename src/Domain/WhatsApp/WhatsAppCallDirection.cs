namespace EasyMo.Domain.WhatsApp;

/// <summary>Who started a WhatsApp call (<c>direction</c> of Meta's call webhooks).</summary>
public enum WhatsAppCallDirection
{
    /// <summary>The WhatsApp user called the business (<c>USER_INITIATED</c>).</summary>
    UserInitiated,

    /// <summary>The business called the user (<c>BUSINESS_INITIATED</c>).</summary>
    BusinessInitiated,
}
