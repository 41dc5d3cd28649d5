using System.Text.Json;
using EasyMo.Domain.Common;

namespace EasyMo.Application.Common.Abstractions;

/// <summary>Everything held about one caller, found by number, read out or erased; and the retention job's work.</summary>
public interface IPrivacyStore
{
    /// <summary>Every row of every table that is about the caller, table by table (a JSON array of rows each).</summary>
    Task<IReadOnlyDictionary<string, JsonElement>> ExportAsync(PhoneNumber phone, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: deletes the caller's profile, transcripts, summaries, requests, voice notes, recordings and
    /// messages; replaces their number on call metadata with <paramref name="pseudonym"/>; writes the audit row.
    /// Returns the rows touched per table.
    /// </summary>
    Task<IReadOnlyDictionary<string, int>> EraseAsync(PhoneNumber phone, string pseudonym, string actor, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Writes an audit row (no personal data: <paramref name="subject"/> is a pseudonym).</summary>
    Task AuditAsync(string action, string actor, string? subject, IReadOnlyDictionary<string, int> counts, DateTimeOffset now, CancellationToken cancellationToken);
}
