namespace EasyMo.Domain.Messaging;

/// <summary>
/// What WhatsApp's <c>statuses</c> webhooks told of a sent message. Ordered by how far the message got: a status only
/// replaces one ranked lower (<c>read</c> is never followed by <c>delivered</c>; <c>failed</c> replaces only <c>sent</c>).
/// </summary>
public enum OutboxDeliveryStatus
{
    Sent = 1,
    Failed = 2,
    Delivered = 3,
    Read = 4,
}
