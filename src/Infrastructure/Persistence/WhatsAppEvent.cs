namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// A WhatsApp webhook event that has been applied, by its deduplication key: <c>message:{wamid}</c>,
/// <c>message:{wamid}:status:{status}</c>, <c>call:{wacid}:connect</c>, <c>call:{wacid}:terminate</c>,
/// <c>call:{wacid}:status:{status}</c>. Meta has no webhook id, so the key is the event's own identity.
/// </summary>
public sealed class WhatsAppEvent
{
    public required string EventKey { get; init; }

    public required string Kind { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }
}
