using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace EasyMo.IntegrationTests.Migrations;

/// <summary>
/// The initial migration is the 14 pre-release migrations squashed into one (docs/adr/0008): it must give exactly the
/// schema they gave, kept as the SQL they ran (TestData/schema/pre-release-chain.sql).
/// </summary>
public sealed class InitialSchemaTests
{
    [Fact]
    public async Task The_initial_migration_gives_exactly_the_schema_of_the_pre_release_chain()
    {
        var chain = await SharedDatabase.CreateEmptyDatabaseAsync();
        await SchemaCatalog.RunScriptAsync(chain, "pre-release-chain.sql");
        var initial = await SharedDatabase.CreateEmptyDatabaseAsync();
        await using (var db = new EasyMoDbContext(DatabaseConnection.ContextOptions(initial)))
        {
            await db.GetService<IMigrator>().MigrateAsync(db.Database.GetMigrations().First(), Ct);
        }

        var expected = await SchemaCatalog.ReadAsync(chain);
        var actual = await SchemaCatalog.ReadAsync(initial);

        // The catalog does see what only hand-written SQL makes: the statistics, the defaults outside the model.
        expected.ShouldContain(line => line.StartsWith("statistics st_calls_received_day ", StringComparison.Ordinal));
        expected.ShouldContain("column calls.summary_status character varying(16) not null default 'none'::character varying");
        actual.ShouldBeSameSchemaAs(expected, "the initial migration does not give the schema of the pre-release chain it replaced");
    }

    [Fact]
    public async Task The_model_has_no_change_that_is_not_in_a_migration()
    {
        await using var db = new EasyMoDbContext(DatabaseConnection.ContextOptions(await SharedDatabase.CreateEmptyDatabaseAsync()));

        db.Database.HasPendingModelChanges().ShouldBeFalse(
            "the model differs from the migrations' snapshot: add a migration (dotnet ef migrations add <Name> …, docs/operations.md)");
    }
}
