namespace EasyMo.Domain.Calls;

/// <summary>Where a call stands. <see cref="Ringing"/> lives only until the decision is stored with it.</summary>
public enum CallStatus
{
    Ringing,
    Accepted,
    Rejected,
    Missed,
    Failed,
    Ended,
}
