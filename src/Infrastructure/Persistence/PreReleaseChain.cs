using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// Databases made by the migrations written before the first release (20261124101539_InitialSchema …
/// 20261130061628_OperatorAudit), which were squashed into the initial migration: developers' databases, such as the one
/// <c>scripts/run.sh</c> keeps in <c>.local/</c>. The initial migration gives exactly the schema the whole chain gave
/// (tests/EasyMo.IntegrationTests/Migrations), so such a database is taken over by rewriting its history: its rows of
/// the chain become the initial migration's one row, and nothing else changes. <c>migrate</c> and the service's
/// start-up (<c>EASYMO_APPLY_MIGRATIONS=true</c>) do it before they migrate (docs/adr/0008-one-initial-migration.md).
/// </summary>
public static class PreReleaseChain
{
    /// <summary>The chain, in order: a database at its end names all of them in its history.</summary>
    public static IReadOnlyList<string> MigrationIds { get; } =
    [
        "20261124101539_InitialSchema",
        "20261124103743_CallLifecycleRecords",
        "20261124111637_WhatsAppInbound",
        "20261124113952_WhatsAppOutbox",
        "20261124122049_VoiceNoteReplies",
        "20261124150512_AdminQueries",
        "20261124153749_Privacy",
        "20261124161149_ChannelNames",
        "20261129221120_CallerIdentity",
        "20261129230753_DecisionClaims",
        "20261130002330_WorkLeases",
        "20261130040900_VoiceRuntimes",
        "20261130053814_Callbacks",
        "20261130061628_OperatorAudit",
    ];

    /// <summary>The chain's last migration.</summary>
    public static string LastMigrationId => MigrationIds[^1];

    /// <summary>
    /// Takes over a database the whole chain made: in one transaction, under the lock the migrations take, its history's
    /// rows of the chain are replaced by one row of the initial migration. Returns the initial migration's id when it
    /// did, null when the database was not made by the chain (no history yet, or a history of this build's migrations).
    /// </summary>
    /// <exception cref="PreReleaseDatabaseException">
    /// The history names part of the chain only, or the chain next to other migrations: a database this build cannot
    /// bring forward, to be recreated.
    /// </exception>
    public static async Task<string?> AdoptAsync(EasyMoDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var history = db.GetService<IHistoryRepository>();
        if (!await history.ExistsAsync(cancellationToken) || !NamesTheChain(await AppliedAsync(history, cancellationToken)))
        {
            return null;
        }

        var initial = db.Database.GetMigrations().First();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await using (await history.AcquireDatabaseLockAsync(cancellationToken))
        {
            // Read again under the lock: another instance starting at the same time may have taken it over already.
            var applied = await AppliedAsync(history, cancellationToken);
            if (!NamesTheChain(applied))
            {
                return null;
            }

            var unknown = applied.Except(MigrationIds, StringComparer.Ordinal).ToList();
            var missing = MigrationIds.Except(applied, StringComparer.Ordinal).ToList();
            if (unknown.Count > 0 || missing.Count > 0)
            {
                throw new PreReleaseDatabaseException(Refusal(applied, unknown, initial));
            }

            foreach (var id in MigrationIds)
            {
                await db.Database.ExecuteSqlRawAsync(history.GetDeleteScript(id), cancellationToken);
            }

            await db.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow(initial, ProductInfo.GetVersion())), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return initial;
        }
    }

    private static async Task<List<string>> AppliedAsync(IHistoryRepository history, CancellationToken cancellationToken) =>
        [.. (await history.GetAppliedMigrationsAsync(cancellationToken)).Select(row => row.MigrationId)];

    private static bool NamesTheChain(List<string> applied) => applied.Exists(id => MigrationIds.Contains(id, StringComparer.Ordinal));

    private static string Refusal(List<string> applied, List<string> unknown, string initial)
    {
        var reached = MigrationIds.Last(id => applied.Contains(id, StringComparer.Ordinal));
        var state = unknown.Count > 0
            ? $"its history names pre-release migrations (up to {reached}) next to others ({string.Join(", ", unknown)})"
            : $"it was made by the pre-release migrations up to {reached} only, not the whole chain (to {LastMigrationId})";
        return $"This database cannot be brought forward: {state}. Before the first release those migrations were squashed "
            + $"into {initial}, which takes over only a database the whole chain made. Recreate the database (the local "
            + "one: scripts/local-postgres.sh stop, delete .local/postgres, then scripts/run.sh); docs/adr/0008-one-initial-migration.md.";
    }
}

/// <summary>A database made by part of the pre-release migrations, which this build cannot bring forward (<see cref="PreReleaseChain"/>).</summary>
public sealed class PreReleaseDatabaseException(string message) : Exception(message);
