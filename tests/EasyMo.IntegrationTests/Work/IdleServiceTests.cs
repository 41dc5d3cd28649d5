using Npgsql;

namespace EasyMo.IntegrationTests.Work;

/// <summary>
/// With nothing to do, every background work together (outbox, voice notes, summaries, retention, the monitor) leaves
/// the database nearly idle. The retention job once ran back to back, thousands of transactions a second, because its
/// one item is due again as soon as it is done; the benchmark found it as a 40% loss at one sender.
/// </summary>
public sealed class IdleServiceTests
{
    [Fact]
    public async Task An_idle_service_leaves_its_database_idle()
    {
        await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?>
        {
            ["Privacy:RetentionEnabled"] = "true",
            ["Sideband:Enabled"] = "true",
        });
        await Task.Delay(1_000, Ct); // start-up work (the first retention run, the first sweeps) is done

        var before = await TransactionsAsync(app.ConnectionString);
        await Task.Delay(2_000, Ct);
        var after = await TransactionsAsync(app.ConnectionString);

        TestContext.Current.TestOutputHelper?.WriteLine($"transactions in 2 s of idleness: {after - before}");
        (after - before).ShouldBeLessThan(60, "background work while there is nothing to do");
    }

    private static async Task<long> TransactionsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(Ct);
        await using (var clear = new NpgsqlCommand("SELECT pg_stat_clear_snapshot()", connection))
        {
            await clear.ExecuteNonQueryAsync(Ct);
        }

        await using var command = new NpgsqlCommand(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()", connection);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
