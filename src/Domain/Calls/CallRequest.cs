using EasyMo.Domain.Common;

namespace EasyMo.Domain.Calls;

/// <summary>What a caller asked EasyMO for during a call (the agent's <c>record_request</c> tool), to be matched and answered on WhatsApp.</summary>
public sealed class CallRequest
{
    private CallRequest()
    {
        // For EF Core.
        Service = string.Empty;
        Location = string.Empty;
        Details = string.Empty;
    }

    public Guid Id { get; private set; }

    /// <summary>The call (<see cref="Call.Id"/>).</summary>
    public Guid CallId { get; private set; }

    public Guid? ProfileId { get; private set; }

    /// <summary>The EasyMO service: rides, property, jobs, insurance, pharmacy, farmers, wallet, …</summary>
    public string Service { get; private set; }

    public string Location { get; private set; }

    public string Details { get; private set; }

    public DateTimeOffset At { get; private set; }

    public static CallRequest Record(Guid callId, Guid? profileId, string service, string location, string details, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(service) || string.IsNullOrWhiteSpace(location))
        {
            throw new DomainException("A request needs a service and a location.");
        }

        return new CallRequest
        {
            Id = Guid.CreateVersion7(at),
            CallId = callId,
            ProfileId = profileId,
            Service = Bound(service, 64),
            Location = Bound(location, 200),
            Details = Bound(details ?? string.Empty, 2000),
            At = at,
        };
    }

    private static string Bound(string value, int max) => value.Trim() is var trimmed && trimmed.Length > max ? trimmed[..max] : value.Trim();
}
