using EasyMo.Application.Common.Abstractions;
using Mediator;

namespace EasyMo.Application.Features.Privacy.ExportCaller;

/// <summary>Reads out everything held about a caller, and records in the audit that it was read.</summary>
public sealed class ExportCallerHandler(IPrivacyStore store, Pseudonymizer pseudonyms, TimeProvider time)
    : IQueryHandler<ExportCallerQuery, CallerExport>
{
    public async ValueTask<CallerExport> Handle(ExportCallerQuery query, CancellationToken cancellationToken)
    {
        var subject = pseudonyms.For(query.Phone);
        var now = time.GetUtcNow();
        var tables = await store.ExportAsync(query.Phone, cancellationToken);
        var counts = tables.ToDictionary(table => table.Key, table => table.Value.GetArrayLength());
        await store.AuditAsync("export", query.Actor, subject, counts, now, cancellationToken);
        return new CallerExport(subject, now, tables);
    }
}
