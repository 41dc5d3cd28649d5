namespace EasyMo.Infrastructure.Persistence;

/// <summary>A webhook delivery that has been acted on; its id is unique, so a redelivery is recognised.</summary>
public sealed class WebhookDelivery
{
    public required string WebhookId { get; init; }

    public required string Source { get; init; }

    public required string EventType { get; init; }

    public string? CallId { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }
}
