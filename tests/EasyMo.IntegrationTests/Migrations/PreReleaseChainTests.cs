using EasyMo.Infrastructure.Persistence;
using EasyMo.IntegrationTests.Cli;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using CliRunner = EasyMo.IntegrationTests.Cli.Cli;

namespace EasyMo.IntegrationTests.Migrations;

/// <summary>
/// A database made by the pre-release migrations (a developer's .local database) after they were squashed: restored from
/// the SQL they ran (TestData/schema/pre-release-chain.sql), with its history rows naming them. <c>migrate</c> and the
/// service's start-up take it over (docs/adr/0008).
/// </summary>
public sealed class PreReleaseChainTests
{
    [Fact]
    public async Task Migrate_takes_over_a_database_the_whole_chain_made_keeping_its_rows()
    {
        var database = await ChainDatabaseAsync();
        var profileId = await SeedAsync(database);
        var fresh = await SharedDatabase.CreateMigratedDatabaseAsync();

        var first = await CliRunner.RunAsync(MigrateCommandTests.Database(database), "migrate");

        first.ExitCode.ShouldBe(0, first.ToString());
        var migrations = Migrations(database);
        first.Out.ShouldContain($"took over a database made by the pre-release migrations (up to 20261130061628_OperatorAudit): its history now names {migrations[0]}");
        (await HistoryAsync(database)).ShouldBe(migrations, "the history names this build's migrations, and only them");
        (await SchemaCatalog.ReadAsync(database)).ShouldBeSameSchemaAs(
            await SchemaCatalog.ReadAsync(fresh), "a database taken over must have the schema of one this build's migrations made");
        (await ScalarAsync(database, $"SELECT count(*) FROM calls WHERE profile_id = '{profileId}'")).ShouldBe(1L);
        (await ScalarAsync(database, $"SELECT consent FROM profiles WHERE id = '{profileId}'")).ShouldBe("not_asked");

        var second = await CliRunner.RunAsync(MigrateCommandTests.Database(database), "migrate");

        second.ExitCode.ShouldBe(0, second.ToString());
        second.Out.ShouldContain("up to date");
        second.Out.ShouldNotContain("took over");
    }

    [Fact]
    public async Task The_service_takes_it_over_at_start_up_when_it_applies_the_migrations()
    {
        var database = await ChainDatabaseAsync();

        await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?> { ["Database:ApplyMigrations"] = "true" }, database);
        using var client = app.CreateClient();
        using var ready = await client.GetAsync("/health/ready", Ct);
        using var webhook = await app.PostWebhookAsync(Events.CarrierCall(Events.NewCallId(), Events.NewRwandanNumber()));

        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        webhook.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await HistoryAsync(database)).ShouldBe(Migrations(database));
        app.Logs.Text.ShouldContain("STARTUP_PRE_RELEASE_DATABASE_TAKEN_OVER");
    }

    [Fact]
    public async Task Until_it_is_taken_over_the_service_is_not_ready()
    {
        var database = await ChainDatabaseAsync();

        await using var app = await EasyMoApp.StartAsync(connectionString: database);
        using var client = app.CreateClient();
        using var ready = await client.GetAsync("/health/ready", Ct);

        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await HistoryAsync(database)).ShouldBe(PreReleaseChain.MigrationIds, "nothing is taken over without being asked to migrate");
    }

    [Fact]
    public async Task A_database_made_by_part_of_the_chain_is_refused_saying_to_recreate_it()
    {
        var database = await ChainDatabaseAsync();
        await ExecuteAsync(database, "DELETE FROM __ef_migrations_history WHERE migration_id > '20261130002330_WorkLeases'");
        var before = await HistoryAsync(database);

        var result = await CliRunner.RunAsync(MigrateCommandTests.Database(database), "migrate");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Error.ShouldContain("made by the pre-release migrations up to 20261130002330_WorkLeases only");
        result.Error.ShouldContain("Recreate the database");
        result.Error.Trim().Split('\n').Length.ShouldBe(1, result.ToString());
        result.ShouldHaveNoStackTrace();
        result.Out.ShouldNotContain("applied ");
        (await HistoryAsync(database)).ShouldBe(before, "a refused database is left as it was");

        var startUp = await Should.ThrowAsync<PreReleaseDatabaseException>(async () =>
        {
            await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?> { ["Database:ApplyMigrations"] = "true" }, database);
        });
        startUp.Message.ShouldContain("20261130002330_WorkLeases");
    }

    [Fact]
    public async Task Two_takers_at_once_take_it_over_once()
    {
        var database = await ChainDatabaseAsync();

        var taken = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            await using var db = new EasyMoDbContext(DatabaseConnection.ContextOptions(database));
            return await PreReleaseChain.AdoptAsync(db, Ct);
        }));

        taken.Count(id => id is not null).ShouldBe(1, string.Join(", ", taken));
        (await HistoryAsync(database)).ShouldBe([Migrations(database)[0]]);
    }

    [Fact]
    public async Task A_database_of_this_build_is_left_alone()
    {
        var database = await SharedDatabase.CreateMigratedDatabaseAsync();
        var empty = await SharedDatabase.CreateEmptyDatabaseAsync();

        await using (var db = new EasyMoDbContext(DatabaseConnection.ContextOptions(database)))
        {
            (await PreReleaseChain.AdoptAsync(db, Ct)).ShouldBeNull();
        }

        await using (var db = new EasyMoDbContext(DatabaseConnection.ContextOptions(empty)))
        {
            (await PreReleaseChain.AdoptAsync(db, Ct)).ShouldBeNull();
        }

        (await HistoryAsync(database)).ShouldBe(Migrations(database));
    }

    /// <summary>A database as the pre-release chain left it, history included.</summary>
    private static async Task<string> ChainDatabaseAsync()
    {
        var database = await SharedDatabase.CreateEmptyDatabaseAsync();
        await SchemaCatalog.RunScriptAsync(database, "pre-release-chain.sql");
        (await HistoryAsync(database)).ShouldBe(PreReleaseChain.MigrationIds, "the stored chain's history");
        return database;
    }

    /// <summary>A caller and a call of theirs, written as the chain's schema takes them (the profile's consent by its default).</summary>
    private static async Task<Guid> SeedAsync(string database)
    {
        var profileId = Guid.NewGuid();
        await ExecuteAsync(database, $"""
            INSERT INTO profiles (id, phone, blocked, created_at, updated_at) VALUES ('{profileId}', '+250788000111', false, now(), now());
            INSERT INTO calls (id, call_id, status, channel, language, caller, profile_id, received_at)
            VALUES ('{Guid.NewGuid()}', 'rtc_chain_seed', 'ended', 'phone', 'rw', '+250788000111', '{profileId}', now());
            """);
        return profileId;
    }

    private static List<string> Migrations(string database)
    {
        using var db = new EasyMoDbContext(DatabaseConnection.ContextOptions(database));
        return [.. db.Database.GetMigrations()];
    }

    private static async Task<List<string>> HistoryAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT migration_id FROM __ef_migrations_history ORDER BY migration_id", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var ids = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task<object?> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(Ct);
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
