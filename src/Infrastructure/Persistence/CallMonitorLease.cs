namespace EasyMo.Infrastructure.Persistence;

/// <summary>Which service instance follows a live call over the sideband socket, until when (heartbeat-extended).</summary>
public sealed class CallMonitorLease
{
    public required Guid CallId { get; init; }

    public required string Owner { get; set; }

    public required DateTimeOffset LeaseUntil { get; set; }
}
