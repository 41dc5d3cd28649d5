namespace EasyMo.Domain.Common;

/// <summary>A broken invariant of the domain: an illegal state transition or an invalid value.</summary>
public sealed class DomainException(string message) : Exception(message);
