namespace EasyMo.IntegrationTests.Migrations;

/// <summary>The pre-release migration chain, kept as the SQL it ran (TestData/schema/pre-release-chain.sql).</summary>
public sealed class InitialSchemaTests
{
    [Fact]
    public async Task The_stored_pre_release_chain_gives_the_schema_the_migrations_give()
    {
        var migrated = await SharedDatabase.CreateMigratedDatabaseAsync();
        var scripted = await SharedDatabase.CreateEmptyDatabaseAsync();
        await SchemaCatalog.RunScriptAsync(scripted, "pre-release-chain.sql");

        var expected = await SchemaCatalog.ReadAsync(scripted);
        var actual = await SchemaCatalog.ReadAsync(migrated);

        expected.ShouldContain(line => line.StartsWith("statistics st_calls_received_day ", StringComparison.Ordinal));
        actual.ShouldBeSameSchemaAs(expected, "the migrations do not give the schema of the pre-release chain");
    }
}
