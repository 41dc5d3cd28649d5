using EasyMo.Application.Features.Privacy;
using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EasyMo.Infrastructure.Privacy;

/// <summary>
/// Replaces WhatsApp call ids (<c>wacid.…</c>, which embed the user's number) with their keyed form wherever they are kept
/// — <c>calls</c>, <c>whatsapp_calls</c>, <c>call_recordings</c> — so that an erased or pseudonymised call can no longer be
/// decoded back to the number, while the rows of one call still match each other (the keyed form is stable).
/// </summary>
internal static class WhatsAppIdReplacement
{
    /// <summary>Replaces each of <paramref name="rawIds"/> (in the caller's transaction); returns the rows changed.</summary>
    public static async Task<int> ReplaceAsync(EasyMoDbContext db, Pseudonymizer pseudonyms, IReadOnlyCollection<string> rawIds, CancellationToken cancellationToken)
    {
        var raw = rawIds.Where(id => !id.StartsWith(Pseudonymizer.KeyedPrefix, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToArray();
        if (raw.Length == 0)
        {
            return 0;
        }

        var keyed = Array.ConvertAll(raw, pseudonyms.KeyedId);
        var changed = 0;
        foreach (var table in new[] { "calls", "whatsapp_calls", "call_recordings" })
        {
            // The table names are this method's constants; the ids are parameters.
#pragma warning disable EF1002
            changed += await db.Database.ExecuteSqlRawAsync(
                $"UPDATE {table} SET whatsapp_call_id = u.keyed FROM unnest(@raw, @keyed) AS u(raw, keyed) WHERE {table}.whatsapp_call_id = u.raw",
                [new NpgsqlParameter("raw", raw), new NpgsqlParameter("keyed", keyed)],
                cancellationToken);
#pragma warning restore EF1002
        }

        return changed;
    }

    /// <summary>The raw WhatsApp call ids of calls and WhatsApp calls already pseudonymised (by age or erasure), at most <paramref name="limit"/>.</summary>
    public static Task<List<string>> OfPseudonymisedAsync(EasyMoDbContext db, int limit, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<string>(
            $"""
            SELECT id AS "Value" FROM (
                SELECT whatsapp_call_id AS id FROM calls
                WHERE caller_pseudonym IS NOT NULL AND caller IS NULL AND whatsapp_call_id IS NOT NULL AND whatsapp_call_id NOT LIKE 'k\_%'
                UNION
                SELECT whatsapp_call_id FROM whatsapp_calls
                WHERE user_pseudonym IS NOT NULL AND user_wa_id IS NULL AND whatsapp_call_id NOT LIKE 'k\_%'
            ) AS raw LIMIT {limit}
            """).ToListAsync(cancellationToken);
}
