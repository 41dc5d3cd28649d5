using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace EasyMo.IntegrationTests.Migrations;

/// <summary>
/// Every migration against a database at the one before it, as a deployment applies it: with rows in it (the
/// representative rows of TestData/migrations/rows-at-&lt;id&gt;.sql, written at the latest migration that has them and
/// carried forward), then its Down, which must give back exactly the schema it started from.
/// </summary>
public sealed class MigrationStepTests
{
    /// <summary>Each migration with the one before it (<c>0</c>, EF's name for the empty database, before the first).</summary>
    public static TheoryData<string, string> Steps()
    {
        var migrations = AllMigrations();
        var steps = new TheoryData<string, string>();
        for (var i = 0; i < migrations.Count; i++)
        {
            steps.Add(i == 0 ? Migration.InitialDatabase : migrations[i - 1], migrations[i]);
        }

        return steps;
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task A_migration_applies_to_a_database_at_the_one_before_and_its_Down_returns_there(string from, string to)
    {
        var database = await SharedDatabase.CreateEmptyDatabaseAsync();
        await using var db = new EasyMoDbContext(DatabaseConnection.ContextOptions(database));
        var migrator = db.GetService<IMigrator>();
        await MigrateWithRowsAsync(db, database, from);
        var before = await SchemaCatalog.ReadAsync(database);

        await migrator.MigrateAsync(to, Ct);

        (await db.Database.GetAppliedMigrationsAsync(Ct)).LastOrDefault().ShouldBe(to);
        var after = await SchemaCatalog.ReadAsync(database);
        if (!HasDown(db, to))
        {
            return; // a migration that cannot be undone says so with an empty Down; it is still applied above
        }

        await migrator.MigrateAsync(from, Ct);
        (await SchemaCatalog.ReadAsync(database)).ShouldBeSameSchemaAs(before, $"the Down of {to} does not give back the schema at {from}");

        await migrator.MigrateAsync(to, Ct);
        (await SchemaCatalog.ReadAsync(database)).ShouldBeSameSchemaAs(after, $"{to} applied again after its Down gives another schema");
    }

    [Fact]
    public void There_is_a_step_for_every_migration_starting_from_the_empty_database()
    {
        var steps = Steps().Select(row => (From: row.Data.Item1, To: row.Data.Item2)).ToList();

        steps.Count.ShouldBe(AllMigrations().Count);
        steps[0].From.ShouldBe(Migration.InitialDatabase);
        steps.Select(step => step.To).ShouldBe(AllMigrations());
    }

    [Fact]
    public async Task The_representative_rows_fit_their_migration_and_fill_every_table()
    {
        var files = RowFiles();
        files.ShouldNotBeEmpty("at least the initial migration has representative rows");
        foreach (var (migration, file) in files)
        {
            AllMigrations().ShouldContain(migration, $"{Path.GetFileName(file)} names no migration");
            var database = await SharedDatabase.CreateEmptyDatabaseAsync();
            await using var db = new EasyMoDbContext(DatabaseConnection.ContextOptions(database));
            await db.GetService<IMigrator>().MigrateAsync(migration, Ct);

            await RunAsync(database, file);

            foreach (var table in await TablesAsync(database))
            {
                (await CountAsync(database, table)).ShouldBeGreaterThan(0L, $"{Path.GetFileName(file)} leaves {table} empty");
            }
        }
    }

    /// <summary>Migrates an empty database to <paramref name="target"/>, writing the representative rows on the way.</summary>
    private static async Task MigrateWithRowsAsync(EasyMoDbContext db, string database, string target)
    {
        var migrator = db.GetService<IMigrator>();
        var migrations = AllMigrations();
        var upTo = target == Migration.InitialDatabase ? -1 : migrations.IndexOf(target);
        var rows = RowFiles().Where(file => migrations.IndexOf(file.Migration) is var at && at >= 0 && at <= upTo)
            .OrderBy(file => migrations.IndexOf(file.Migration))
            .LastOrDefault();
        if (rows.File is not null)
        {
            await migrator.MigrateAsync(rows.Migration, Ct);
            await RunAsync(database, rows.File);
        }

        await migrator.MigrateAsync(target, Ct);
    }

    private static bool HasDown(EasyMoDbContext db, string id)
    {
        var assembly = db.GetService<IMigrationsAssembly>();
        var migration = assembly.CreateMigration(assembly.Migrations[id], db.Database.ProviderName!);
        return migration.DownOperations.Count > 0;
    }

    private static List<string> AllMigrations()
    {
        using var db = new EasyMoDbContext(DatabaseConnection.ContextOptions("Host=unused"));
        return [.. db.Database.GetMigrations()];
    }

    private static List<(string Migration, string File)> RowFiles() =>
    [
        .. Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "migrations"), "rows-at-*.sql")
            .Select(file => (Path.GetFileNameWithoutExtension(file)["rows-at-".Length..], file)),
    ];

    private static async Task RunAsync(string database, string file)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(await File.ReadAllTextAsync(file, Ct), connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<List<string>> TablesAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') AND relname <> @history ORDER BY relname",
            connection);
        command.Parameters.AddWithValue("history", DatabaseConnection.MigrationsHistoryTable);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var tables = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private static async Task<long> CountAsync(string database, string table)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\"", connection);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
