using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace EasyMo.Testing;

/// <summary>
/// The SQL statements the service sends to one test's database, as Npgsql traces them (its <c>Npgsql</c> activity source,
/// one activity per command or batch): what a test of the statements a piece of work costs counts. Other tests' databases
/// are told apart by the database name each activity carries.
/// </summary>
public sealed class SqlRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<string> _statements = new();

    public SqlRecorder(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (Tag(activity, "db.namespace", "db.name") == database)
                {
                    _statements.Enqueue(Tag(activity, "db.query.text", "db.statement") ?? activity.DisplayName);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The statements so far, in the order they completed, whitespace collapsed.</summary>
    public IReadOnlyList<string> Statements => [.. _statements.Select(statement => string.Join(' ', statement.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))];

    public void Clear() => _statements.Clear();

    public void Dispose() => _listener.Dispose();

    private static string? Tag(Activity activity, params string[] names)
    {
        foreach (var name in names)
        {
            if (activity.GetTagItem(name) is string value)
            {
                return value;
            }
        }

        return null;
    }
}
