using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.IntegrationTests.Cli;

/// <summary><c>migrate</c>: the committed migrations onto the configured database, once.</summary>
public sealed class MigrateCommandTests
{
    [Fact]
    public async Task Migrate_applies_every_migration_to_an_empty_database_then_says_up_to_date()
    {
        var connectionString = await SharedDatabase.CreateEmptyDatabaseAsync();
        var settings = Database(connectionString);

        var first = await Cli.RunAsync(settings, "migrate");

        first.ExitCode.ShouldBe(0, first.ToString());
        first.Out.ShouldNotContain("took over", customMessage: "an empty database was not made by the pre-release migrations");
        await using (var db = new EasyMoDbContext(DatabaseConnection.ContextOptions(connectionString)))
        {
            var all = db.Database.GetMigrations().ToList();
            all.ShouldNotBeEmpty();
            foreach (var migration in all)
            {
                first.Out.ShouldContain("applied " + migration, customMessage: first.ToString());
            }

            (await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken)).ShouldBeEmpty();
        }

        var second = await Cli.RunAsync(settings, "migrate");

        second.ExitCode.ShouldBe(0, second.ToString());
        second.Out.ShouldContain("up to date");
        second.Out.ShouldNotContain("applied ");
        second.All.ShouldNotContain("Password");
    }

    [Fact]
    public async Task Without_a_connection_string_it_does_not_run()
    {
        var result = await Cli.RunAsync(Database(string.Empty), "migrate");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.Trim().Split('\n').Length.ShouldBe(1, result.ToString());
        result.Error.ShouldContain("ConnectionStrings__EasyMo");
    }

    [Fact]
    public async Task A_malformed_connection_string_is_a_usage_error()
    {
        var result = await Cli.RunAsync(Database("this is not=a;connection string;Frobnicate=1"), "migrate");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("ConnectionStrings__EasyMo");
        result.ShouldHaveNoStackTrace();
    }

    [Fact]
    public async Task An_unreachable_database_fails_in_one_line()
    {
        var result = await Cli.RunAsync(Database("Host=127.0.0.1;Port=1;Database=nowhere;Username=nobody;Password=hunter2;Timeout=2"), "migrate");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Error.Trim().Split('\n').Length.ShouldBe(1, result.ToString());
        result.Error.ShouldContain("127.0.0.1:1/nowhere");
        result.All.ShouldNotContain("hunter2");
        result.ShouldHaveNoStackTrace();
    }

    internal static Dictionary<string, string?> Database(string connectionString) => new()
    {
        ["ConnectionStrings:EasyMo"] = connectionString,
        ["DATABASE_URL"] = string.Empty,
    };
}
