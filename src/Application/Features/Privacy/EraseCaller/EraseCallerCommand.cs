using EasyMo.Domain.Common;
using Mediator;

namespace EasyMo.Application.Features.Privacy.EraseCaller;

/// <summary>A person asked to be forgotten: everything personal about <paramref name="Phone"/> is erased.</summary>
public sealed record EraseCallerCommand(PhoneNumber Phone, string Actor) : ICommand<EraseCallerResult>;

/// <summary>The pseudonym that now stands for the number, and the rows touched per table.</summary>
public sealed record EraseCallerResult(string Subject, IReadOnlyDictionary<string, int> Counts);
