using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// The connection string: <c>ConnectionStrings:EasyMo</c> (<c>ConnectionStrings__EasyMo</c>), or a <c>DATABASE_URL</c> in
/// <c>postgres://user:password@host:port/database</c> form. Short timeouts unless the string sets its own: a webhook
/// waits on this while a phone rings, and an unreachable database must turn into a quick 503.
/// </summary>
public static class DatabaseConnection
{
    public const string MigrationsHistoryTable = "__ef_migrations_history";

    public static string? Resolve(IConfiguration configuration)
    {
        var raw = configuration.GetConnectionString(DependencyInjection.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(raw))
        {
            raw = configuration["DATABASE_URL"];
        }

        return string.IsNullOrWhiteSpace(raw) ? null : Normalize(raw);
    }

    /// <summary>
    /// The one place the context's database options are set (the service, <c>dotnet ef</c>, the CLI and the tests all come
    /// here): Npgsql on <paramref name="connectionString"/> (already normalized), the migrations' history table, snake_case.
    /// </summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable(MigrationsHistoryTable))
            .UseSnakeCaseNamingConvention();

    /// <summary>The context's options as the service builds them, on <paramref name="connectionString"/> (already normalized).</summary>
    public static DbContextOptions<EasyMoDbContext> ContextOptions(string connectionString) =>
        ((DbContextOptionsBuilder<EasyMoDbContext>)Configure(new DbContextOptionsBuilder<EasyMoDbContext>(), connectionString)).Options;

    public static string Normalize(string raw)
    {
        var builder = raw.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || raw.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            ? FromUrl(new Uri(raw))
            : new NpgsqlConnectionStringBuilder(raw);
        if (!raw.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.Timeout = 3;
            builder.CommandTimeout = 10;
        }

        // The service keeps no session state on a connection (no SET, no temporary tables, no prepared statements of
        // its own), so a pooled connection needs no DISCARD ALL on return, and the hot path's few statements are worth
        // preparing once per connection. Measured in docs/benchmarks.md; an operator's own values win.
        if (!raw.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase) && !raw.Contains("NoResetOnClose", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        if (!raw.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase) && !raw.Contains("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 20;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }

    private static NpgsqlConnectionStringBuilder FromUrl(Uri url)
    {
        var userInfo = url.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host,
            Port = url.IsDefaultPort || url.Port <= 0 ? 5432 : url.Port,
            Database = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/')),
            Username = userInfo.Length > 0 && userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : null,
            Password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : null,
        };
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts.Length == 2 && parts[0].Equals("sslmode", StringComparison.OrdinalIgnoreCase)
                && Enum.TryParse<SslMode>(parts[1], ignoreCase: true, out var sslMode))
            {
                builder.SslMode = sslMode;
            }
        }

        return builder;
    }
}
