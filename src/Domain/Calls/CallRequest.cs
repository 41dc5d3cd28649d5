using System.Diagnostics.CodeAnalysis;
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

    public const int MaxServiceLength = 64;
    public const int MaxLocationLength = 200;
    public const int MaxDetailsLength = 2000;

    /// <summary>Whether a service and a location have anything left to keep once cleaned (what <see cref="Record"/> requires).</summary>
    public static bool IsComplete([NotNullWhen(true)] string? service, [NotNullWhen(true)] string? location) =>
        UntrustedText.OneLine(service, 1) is not null && UntrustedText.OneLine(location, 1) is not null;

    /// <summary>A request as the agent's tool reported it (model-written from caller speech): cleaned and bounded.</summary>
    public static CallRequest Record(Guid callId, Guid? profileId, string service, string location, string details, DateTimeOffset at)
    {
        if (!IsComplete(service, location))
        {
            throw new DomainException("A request needs a service and a location.");
        }

        return new CallRequest
        {
            Id = Guid.CreateVersion7(at),
            CallId = callId,
            ProfileId = profileId,
            Service = UntrustedText.OneLine(service, MaxServiceLength)!,
            Location = UntrustedText.OneLine(location, MaxLocationLength)!,
            Details = UntrustedText.OneLine(details, MaxDetailsLength) ?? string.Empty,
            At = at,
        };
    }
}
