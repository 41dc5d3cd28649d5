namespace EasyMo.Infrastructure.Work;

/// <summary>This process's name in lease rows: unique per process, readable in an operator's query.</summary>
internal sealed class WorkInstance
{
    /// <summary>What an instance's own lease is named by: <c>instance:</c> and the instance's id.</summary>
    public const string LeasePrefix = "instance:";

    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>The name of this instance's own lease, the heartbeat under which it holds its live calls.</summary>
    public string LeaseName => LeasePrefix + Id;
}
