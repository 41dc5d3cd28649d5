using System.CommandLine;
using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace EasyMo.Operator.Commands;

/// <summary>
/// <c>migrate</c>: applies the pending EF Core migrations of this build to the configured database and exits; what a
/// deployment runs once before the service starts (compose's one-shot <c>migrate</c> service). A database made by the
/// pre-release migrations is taken over first (<see cref="PreReleaseChain"/>).
/// </summary>
public static class MigrateCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var migrate = new Command("migrate", "Apply the pending database migrations to ConnectionStrings__EasyMo (or DATABASE_URL), print their names, and exit.");
        migrate.SetAction((_, ct) => RunAsync(context, ct));
        return migrate;
    }

    private static async Task<int> RunAsync(CliContext context, CancellationToken ct)
    {
        var (connectionString, problem) = CliDatabase.Resolve(context.Configuration);
        if (connectionString is null)
        {
            await context.Error.WriteLineAsync(problem);
            return ExitCodes.Usage;
        }

        var database = CliDatabase.Describe(connectionString);
        try
        {
            await using var db = CliDatabase.Open(connectionString);
            if (await PreReleaseChain.AdoptAsync(db, ct) is { } initial)
            {
                await context.Out.WriteLineAsync(
                    $"took over a database made by the pre-release migrations (up to {PreReleaseChain.LastMigrationId}): its history now names {initial}, which gives the same schema");
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count == 0)
            {
                await context.Out.WriteLineAsync($"{database}: up to date ({db.Database.GetMigrations().Count()} migrations applied).");
                return ExitCodes.Ok;
            }

            // One by one, so that each name is printed once it is in; a failure names the migration it stopped at.
            var migrator = db.GetService<IMigrator>();
            foreach (var migration in pending)
            {
                await migrator.MigrateAsync(migration, ct);
                await context.Out.WriteLineAsync($"applied {migration}");
            }

            await context.Out.WriteLineAsync($"{database}: {pending.Count} migration(s) applied, up to date.");
            return ExitCodes.Ok;
        }
        catch (PreReleaseDatabaseException exception)
        {
            await context.Error.WriteLineAsync($"error: the database {database}: {exception.Message}");
            return ExitCodes.Failed;
        }
        catch (Npgsql.PostgresException exception)
        {
            await context.Error.WriteLineAsync($"error: the database {database} refused: {CliDatabase.Reason(exception)}");
            return ExitCodes.Failed;
        }
        catch (Exception exception) when (CliDatabase.IsUnreachable(exception))
        {
            await context.Error.WriteLineAsync($"error: the database {database} could not be reached: {CliDatabase.Reason(exception)}");
            return ExitCodes.Failed;
        }
    }
}
