using EasyMo.Infrastructure.Persistence;
using Npgsql;

namespace EasyMo.Operator;

/// <summary>The database of the commands that need one: the service's connection string, its context, and its failures in one line.</summary>
internal static class CliDatabase
{
    /// <summary>The normalized connection string, or why there is none (a usage problem, one line).</summary>
    public static (string? ConnectionString, string? Problem) Resolve(IConfiguration configuration)
    {
        try
        {
            return DatabaseConnection.Resolve(configuration) is { } connectionString
                ? (connectionString, null)
                : (null, "ConnectionStrings__EasyMo is not set: an Npgsql connection string (or DATABASE_URL as postgres://user:password@host:port/database).");
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or UriFormatException)
        {
            return (null, "ConnectionStrings__EasyMo is not a valid Npgsql connection string or postgres:// URL.");
        }
    }

    public static EasyMoDbContext Open(string connectionString) => new(DatabaseConnection.ContextOptions(connectionString));

    /// <summary><c>host:port/database</c>: names the database without its credentials.</summary>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }

    /// <summary>Whether <paramref name="exception"/> means the database could not be reached or refused the session.</summary>
    public static bool IsUnreachable(Exception exception) =>
        exception is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException
        || (exception is InvalidOperationException && exception.InnerException is NpgsqlException or TimeoutException);

    /// <summary>The reason in one line, first line of the message only (never the connection string).</summary>
    public static string Reason(Exception exception)
    {
        var root = exception is InvalidOperationException { InnerException: { } inner } ? inner : exception;
        var message = root.Message.Split('\n', 2)[0].Trim();
        return message.Length > 0 ? message : root.GetType().Name;
    }
}
