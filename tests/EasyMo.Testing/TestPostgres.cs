using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using Testcontainers.PostgreSql;

namespace EasyMo.Testing;

/// <summary>
/// A PostgreSQL server for integration tests, chosen in this order:
/// the server named by <c>EASYMO_TEST_POSTGRES</c> (a connection string), a Testcontainers
/// container when a Docker engine answers, or a throwaway cluster started from the local
/// PostgreSQL binaries under <c>$TMPDIR/easymo-test-pg/</c>.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    public const string EnvironmentVariable = "EASYMO_TEST_POSTGRES";

    private const string InstallHint = "install postgresql (apt-get install postgresql) or set " + EnvironmentVariable;
    private static readonly string ClustersRoot = Path.Combine(Path.GetTempPath(), "easymo-test-pg");

    private readonly Func<Task> _stop;
    private Func<TimeSpan, Task>? _restart;
    private readonly bool _dropDatabasesOnDispose;
    private readonly List<string> _createdDatabases = [];
    private int _disposed;

    private TestPostgres(string connectionString, Func<Task> stop, bool dropDatabasesOnDispose)
    {
        ConnectionString = connectionString;
        _stop = stop;
        _dropDatabasesOnDispose = dropDatabasesOnDispose;
    }

    /// <summary>A server-level connection string (a superuser, database <c>postgres</c>).</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// A cluster of its own from the local PostgreSQL binaries, which <see cref="RestartAsync"/> can crash and start
    /// again (chaos tests): never the shared server, nor a container.
    /// </summary>
    /// <remarks>
    /// Its commits are durable (<c>synchronous_commit = on</c>), as in production: the shared server's speed-ups would let
    /// a crash lose commits it had acknowledged, which no service can survive.
    /// </remarks>
    public static Task<TestPostgres> StartLocalAsync(CancellationToken ct = default) => StartLocalClusterAsync(ct, durable: true);

    /// <summary>
    /// Stops the server as a crash does (<c>pg_ctl -m immediate</c>: every connection dropped, no checkpoint), keeps it
    /// down for <paramref name="down"/>, and starts it again on the same port (crash recovery first). Local clusters only.
    /// </summary>
    public Task RestartAsync(TimeSpan down) =>
        (_restart ?? throw new InvalidOperationException("Only a cluster from StartLocalAsync can be restarted."))(down);

    public static async Task<TestPostgres> StartAsync(CancellationToken ct = default)
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new TestPostgres(external, () => Task.CompletedTask, dropDatabasesOnDispose: true);
        }

        if (await DockerAnswersAsync(ct))
        {
            var container = new PostgreSqlBuilder("postgres:16-alpine").Build();
            try
            {
                await container.StartAsync(ct);
            }
            catch
            {
                await container.DisposeAsync();
                throw;
            }

            return new TestPostgres(container.GetConnectionString(), () => container.DisposeAsync().AsTask(), dropDatabasesOnDispose: false);
        }

        return await StartLocalClusterAsync(ct);
    }

    /// <summary>Creates (dropping it first if it exists) a database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var quoted = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

        await using (var connection = await OpenAdminConnectionAsync(ct))
        {
            await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", ct);
            await ExecuteAsync(connection, $"CREATE DATABASE {quoted}", ct);
        }

        lock (_createdDatabases)
        {
            _createdDatabases.Add(quoted);
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_dropDatabasesOnDispose)
        {
            string[] databases;
            lock (_createdDatabases)
            {
                databases = [.. _createdDatabases];
            }

            if (databases.Length > 0)
            {
                await using var connection = await OpenAdminConnectionAsync(CancellationToken.None);
                foreach (var quoted in databases)
                {
                    await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", CancellationToken.None);
                }
            }
        }

        await _stop();
    }

    private async Task<NpgsqlConnection> OpenAdminConnectionAsync(CancellationToken ct)
    {
        // Unpooled, so that no idle admin connection outlives its use.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>True when a Docker engine answers <c>/_ping</c> within 2 seconds; never throws or hangs.</summary>
    private static async Task<bool> DockerAnswersAsync(CancellationToken ct)
    {
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        EndPoint endpoint;
        if (string.IsNullOrEmpty(dockerHost) || dockerHost.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = string.IsNullOrEmpty(dockerHost) ? "/var/run/docker.sock" : dockerHost["unix://".Length..];
            if (!File.Exists(path))
            {
                return false;
            }

            endpoint = new UnixDomainSocketEndPoint(path);
        }
        else if (Uri.TryCreate(dockerHost, UriKind.Absolute, out var uri) && uri.Scheme == "tcp")
        {
            endpoint = new DnsEndPoint(uri.Host, uri.Port);
        }
        else
        {
            return false;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            using var socket = endpoint is UnixDomainSocketEndPoint
                ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(endpoint, timeout.Token);
            await socket.SendAsync("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8.ToArray(), SocketFlags.None, timeout.Token);
            var buffer = new byte[64];
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            var status = Encoding.ASCII.GetString(buffer, 0, read);
            return status.StartsWith("HTTP/1.", StringComparison.Ordinal) && status.Contains(" 200 ", StringComparison.Ordinal);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<TestPostgres> StartLocalClusterAsync(CancellationToken ct, bool durable = false)
    {
        var binDir = await FindServerBinDirAsync(ct) ?? throw new InvalidOperationException(
            "No PostgreSQL server binaries (initdb, pg_ctl, postgres) were found in /usr/lib/postgresql/*/bin, "
            + $"`pg_config --bindir` or PATH, and no Docker engine answers: {InstallHint}.");
        var asPostgres = Environment.UserName == "root"; // initdb and postgres refuse to run as root.

        if (!Directory.Exists(ClustersRoot))
        {
            Directory.CreateDirectory(ClustersRoot);
            if (!OperatingSystem.IsWindows())
            {
                // Mode 1777, like /tmp, so that other users can start clusters here too.
                File.SetUnixFileMode(ClustersRoot, (UnixFileMode)Convert.ToInt32("1777", 8));
            }
        }

        await RemoveOrphanedClustersAsync(binDir, asPostgres);

        // The owner's pid in the name lets a later run tell that the cluster was abandoned.
        var dir = Path.Combine(ClustersRoot, $"{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        var data = Path.Combine(dir, "data");
        Directory.CreateDirectory(dir);
        try
        {
            if (asPostgres)
            {
                await RunAsync("chown", ["postgres", dir], dir, ct);
            }

            await RunToolAsync(binDir, "initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"], asPostgres, dir, ct);
            await File.AppendAllTextAsync(Path.Combine(data, "postgresql.conf"), $"""

                listen_addresses = '127.0.0.1'
                unix_socket_directories = '{dir}'
                fsync = off
                synchronous_commit = {(durable ? "on" : "off")}
                full_page_writes = off
                max_connections = 300
                shared_buffers = 128MB

                """, ct);

            // A free port can be taken by someone else before the server binds it: try a few.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreeTcpPort();
                var log = Path.Combine(dir, "postgres.log");
                var (exitCode, output) = await RunToolAsync(binDir, "pg_ctl", ["-D", data, "-l", log, "-w", "-t", "60", "-o", $"-p {port}", "start"], asPostgres, dir, ct, check: false);
                if (exitCode == 0)
                {
                    var connectionString = new NpgsqlConnectionStringBuilder
                    {
                        Host = "127.0.0.1",
                        Port = port,
                        Database = "postgres",
                        Username = "postgres",
                    }.ConnectionString;
                    return new TestPostgres(connectionString, () => StopAndDeleteAsync(binDir, dir, asPostgres), dropDatabasesOnDispose: false)
                    {
                        _restart = async down =>
                        {
                            await RunToolAsync(binDir, "pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"], asPostgres, dir, CancellationToken.None);
                            await Task.Delay(down);
                            await RunToolAsync(binDir, "pg_ctl", ["-D", data, "-l", log, "-w", "-t", "60", "-o", $"-p {port}", "start"], asPostgres, dir, CancellationToken.None);
                        },
                    };
                }

                if (attempt == 3)
                {
                    var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log, ct) : "";
                    throw new InvalidOperationException($"pg_ctl start failed (exit {exitCode}): {output}\n{serverLog}");
                }
            }
        }
        catch
        {
            await StopAndDeleteAsync(binDir, dir, asPostgres);
            throw;
        }
    }

    /// <summary>Stops and deletes clusters left behind by test processes that no longer exist.</summary>
    private static async Task RemoveOrphanedClustersAsync(string binDir, bool asPostgres)
    {
        foreach (var dir in Directory.EnumerateDirectories(ClustersRoot))
        {
            var name = Path.GetFileName(dir);
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(name[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var owner) && !ProcessExists(owner))
            {
                await StopAndDeleteAsync(binDir, dir, asPostgres);
            }
        }
    }

    private static async Task StopAndDeleteAsync(string binDir, string dir, bool asPostgres)
    {
        var data = Path.Combine(dir, "data");
        try
        {
            var pidFile = Path.Combine(data, "postmaster.pid");
            if (File.Exists(pidFile)
                && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && ProcessExists(pid))
            {
                var (exitCode, _) = await RunToolAsync(binDir, "pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"], asPostgres, dir, CancellationToken.None, check: false);
                if (exitCode != 0 && ProcessExists(pid))
                {
                    return; // Keep the directory while its server runs, so that a later start can retry.
                }
            }

            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: another user's cluster, or one that is being deleted concurrently.
        }
    }

    private static bool ProcessExists(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The newest directory holding initdb, pg_ctl and postgres (pg_config may name a client-only one).</summary>
    private static async Task<string?> FindServerBinDirAsync(CancellationToken ct)
    {
        var candidates = new List<string>();
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => double.TryParse(Path.GetFileName(d), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : -1)
                .Select(d => Path.Combine(d, "bin")));
        }

        try
        {
            var (exitCode, output) = await RunAsync("pg_config", ["--bindir"], null, ct, check: false);
            if (exitCode == 0)
            {
                candidates.Add(output);
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception)
        {
            // pg_config is not installed.
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(d => new[] { "initdb", "pg_ctl", "postgres" }.All(tool => IsFile(Path.Combine(d, tool))));

        // File.Exists is true for a dangling symbolic link, such as /usr/local/bin/initdb left by a removed server package.
        static bool IsFile(string path) => new FileInfo(path) is { Exists: true } file
            && (file.LinkTarget is null || file.ResolveLinkTarget(returnFinalTarget: true)?.Exists == true);
    }

    private static Task<(int ExitCode, string Output)> RunToolAsync(
        string binDir, string tool, IEnumerable<string> args, bool asPostgres, string workingDirectory, CancellationToken ct, bool check = true)
    {
        var path = Path.Combine(binDir, tool);
        if (!asPostgres)
        {
            return RunAsync(path, args, workingDirectory, ct, check);
        }

        var runuser = new[] { "/usr/sbin/runuser", "/sbin/runuser" }.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException(
            "Running as root, but runuser (util-linux) was not found to run PostgreSQL as the postgres user: "
            + $"install util-linux, run the tests as another user or set {EnvironmentVariable}.");
        return RunAsync(runuser, ["-u", "postgres", "--", path, .. args], workingDirectory, ct, check);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IEnumerable<string> args, string? workingDirectory, CancellationToken ct, bool check = true)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = (await stdout + await stderr).Trim();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"`{fileName} {string.Join(' ', startInfo.ArgumentList)}` failed with exit code {process.ExitCode}:\n{output}");
        }

        return (process.ExitCode, output);
    }
}
