using System.Text;
using Npgsql;

namespace EasyMo.IntegrationTests.Migrations;

/// <summary>
/// A database's schema as sorted lines (TestData/schema/catalog.sql: tables and their column order, columns, constraints,
/// indexes, extended statistics, functions, triggers, sequences, views, types, …), so that two databases compare line by
/// line whatever order their objects were created in. Both sides are read from the same server, so PostgreSQL's own
/// way of printing a definition is the same on both.
/// </summary>
internal static class SchemaCatalog
{
    private static readonly Lazy<string> Query = new(() => File.ReadAllText(TestDataFile("catalog.sql")));

    /// <summary>A file of TestData/schema, as copied next to the tests.</summary>
    public static string TestDataFile(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "schema", name);

    /// <summary>The schema of the database <paramref name="connectionString"/> names.</summary>
    public static async Task<IReadOnlyList<string>> ReadAsync(string connectionString)
    {
        await using var connection = await OpenUnpooledAsync(connectionString);
        await using var command = new NpgsqlCommand(Query.Value, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var lines = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }

    /// <summary>Runs a file of TestData/schema (statements only, no psql commands) on the database, as one batch.</summary>
    public static async Task RunScriptAsync(string connectionString, string name)
    {
        await using var connection = await OpenUnpooledAsync(connectionString);
        await using var command = new NpgsqlCommand(await File.ReadAllTextAsync(TestDataFile(name), Ct), connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>
    /// Fails, listing what differs, unless <paramref name="actual"/> is exactly <paramref name="expected"/>: lines the
    /// expected schema has and the actual lacks (<c>-</c>) and lines only the actual has (<c>+</c>).
    /// </summary>
    public static void ShouldBeSameSchemaAs(this IReadOnlyList<string> actual, IReadOnlyList<string> expected, string because)
    {
        var missing = expected.Except(actual, StringComparer.Ordinal).ToList();
        var extra = actual.Except(expected, StringComparer.Ordinal).ToList();
        if (missing.Count == 0 && extra.Count == 0 && actual.Count == expected.Count)
        {
            return;
        }

        var message = new StringBuilder()
            .AppendLine(because)
            .AppendLine($"expected {expected.Count} catalog lines, found {actual.Count}; - missing, + unexpected:");
        foreach (var line in missing)
        {
            message.Append("- ").AppendLine(line);
        }

        foreach (var line in extra)
        {
            message.Append("+ ").AppendLine(line);
        }

        throw new ShouldAssertException(message.ToString());
    }

    /// <summary>Unpooled, so that a script's session settings stay with it and no idle connection keeps a database busy.</summary>
    private static async Task<NpgsqlConnection> OpenUnpooledAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }
}
