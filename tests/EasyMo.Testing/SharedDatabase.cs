using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EasyMo.Testing;

/// <summary>
/// One PostgreSQL server for the whole test run (see <see cref="TestPostgres"/>), with a template database migrated
/// once by the real EF Core migrations; every test host gets its own database copied from that template.
/// Each test assembly names it its assembly fixture (AssemblyInfo.cs), so that the server stops when the run ends.
/// </summary>
public sealed class SharedDatabase : IAsyncLifetime
{
    private const string Template = "easymo_template";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static TestPostgres? _server;
    private static int _counter;

    public async ValueTask InitializeAsync() => await ServerAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await _server.DisposeAsync();
            _server = null;
        }
    }

    /// <summary>A fresh, migrated database; returns its connection string.</summary>
    public static async Task<string> CreateMigratedDatabaseAsync()
    {
        var server = await ServerAsync();
        var name = $"easymo_test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE {Template}", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        return WithDatabase(server.ConnectionString, name);
    }

    /// <summary>A fresh database without any table: what a deployment sees before its migrations run.</summary>
    public static async Task<string> CreateEmptyDatabaseAsync()
    {
        var server = await ServerAsync();
        return await server.CreateDatabaseAsync($"easymo_empty_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}");
    }

    /// <summary>Applies the real EF Core migrations to the database <paramref name="connectionString"/> names.</summary>
    public static async Task MigrateAsync(string connectionString)
    {
        await using var db = new EasyMoDbContext(DatabaseConnection.ContextOptions(connectionString));
        await db.Database.MigrateAsync();
    }

    public static async Task<string> ServerConnectionStringAsync() => (await ServerAsync()).ConnectionString;

    private static async Task<TestPostgres> ServerAsync()
    {
        if (_server is not null)
        {
            return _server;
        }

        await Gate.WaitAsync();
        try
        {
            if (_server is null)
            {
                var server = await TestPostgres.StartAsync();
                var template = await server.CreateDatabaseAsync(Template);
                await MigrateAsync(template);

                // CREATE DATABASE … TEMPLATE needs the template to have no open connections.
                NpgsqlConnection.ClearAllPools();
                _server = server;
            }

            return _server;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static string WithDatabase(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;
}
