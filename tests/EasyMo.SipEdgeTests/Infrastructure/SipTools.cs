using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EasyMo.SipEdgeTests.Infrastructure;

/// <summary>The real SIP peers the edge is tested with: Kamailio (the edge itself) and SIPp (Meta, carriers, OpenAI).</summary>
internal static class SipTools
{
    /// <summary>Kamailio's binary (Debian: <c>kamailio</c>, <c>kamailio-tls-modules</c>).</summary>
    public static string Kamailio => Find("kamailio", "kamailio kamailio-tls-modules");

    /// <summary>SIPp's binary (Debian: <c>sip-tester</c>).</summary>
    public static string Sipp => Find("sipp", "sip-tester");

    /// <summary>Kamailio's RPC client (Debian: <c>kamailio</c>).</summary>
    public static string Kamcmd => Find("kamcmd", "kamailio");

    /// <summary>nftables' command (Debian: <c>nftables</c>), for <c>nft -c</c> only: the tests never load a ruleset on the host.</summary>
    public static string Nft => Find("nft", "nftables");

    /// <summary>ShellCheck (Debian: <c>shellcheck</c>).</summary>
    public static string ShellCheck => Find("shellcheck", "shellcheck");

    /// <summary>systemd's unit checker (Debian: <c>systemd</c>; it needs no running systemd).</summary>
    public static string SystemdAnalyze => Find("systemd-analyze", "systemd");

    public static string Bash => Find("bash", "bash");

    /// <summary>A file of <c>deploy/sip-edge/host</c>, copied beside the tests as shipped (units, helper, install.sh).</summary>
    public static string HostFile(string name) => Path.Combine(AppContext.BaseDirectory, "host", name);

    /// <summary>A TCP port that was free a moment ago on <paramref name="address"/>.</summary>
    public static int FreeTcpPort(IPAddress? address = null)
    {
        using var listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static int FreeUdpPort(IPAddress? address = null)
    {
        using var socket = new UdpClient(new IPEndPoint(address ?? IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }

    /// <summary>Runs a program to its end (or kills it at <paramref name="timeout"/>), with its output.</summary>
    public static async Task<ProcessResult> RunAsync(
        string program, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(program, arguments, out var output, environment);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return new ProcessResult(-1, $"killed after {timeout.TotalSeconds} s\n{output}");
        }

        process.WaitForExit(); // drains the redirected output
        return new ProcessResult(process.ExitCode, output.ToString());
    }

    /// <summary>Starts a program with both outputs collected into <paramref name="output"/>.</summary>
    public static Process Start(string program, IEnumerable<string> arguments, out StringBuilder output, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var collected = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, line) => Append(collected, line.Data);
        process.ErrorDataReceived += (_, line) => Append(collected, line.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = collected;
        return process;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Find(string name, string debianPackages)
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"]);
        return directories.Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"'{name}' is not installed: the SIP edge is tested with real SIP peers. Install the Debian packages {debianPackages} (.ci/run does).");
    }
}

internal sealed record ProcessResult(int ExitCode, string Output);
