namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// A named lease in <c>work_leases</c>: who holds it until when, by the database's clock. A singleton job's lease
/// (<c>retention</c>) says which instance runs it now; an instance's own lease (<c>instance:{id}</c>) is its heartbeat,
/// and everything it holds under that lease (the live calls it follows) is free again when it runs out.
/// </summary>
public sealed class WorkLease
{
    public const int MaxNameLength = 200;

    public required string Name { get; init; }

    public required string Holder { get; set; }

    public required DateTimeOffset LeaseUntil { get; set; }
}
