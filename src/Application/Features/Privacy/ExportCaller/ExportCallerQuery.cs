using System.Text.Json;
using EasyMo.Domain.Common;
using Mediator;

namespace EasyMo.Application.Features.Privacy.ExportCaller;

/// <summary>A person asked what is held about them: every table's rows about <paramref name="Phone"/>.</summary>
public sealed record ExportCallerQuery(PhoneNumber Phone, string Actor) : IQuery<CallerExport>;

/// <summary>The export: the pseudonym the audit knows the person by, when it was made, and the rows table by table.</summary>
public sealed record CallerExport(string Subject, DateTimeOffset GeneratedAt, IReadOnlyDictionary<string, JsonElement> Tables);
