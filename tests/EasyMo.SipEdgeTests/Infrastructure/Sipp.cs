using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace EasyMo.SipEdgeTests.Infrastructure;

/// <summary>One SIP message in a SIPp trace (<c>-trace_msg</c>), with when SIPp sent or received it (local time).</summary>
internal sealed record SipMessage(bool Received, string Text, DateTime? At = null)
{
    /// <summary>The first line: <c>INVITE sip:… SIP/2.0</c> or <c>SIP/2.0 200 OK</c>.</summary>
    public string StartLine => Text.Split('\n', 2)[0].TrimEnd('\r');

    public bool IsRequest(string method) => StartLine.StartsWith(method + " ", StringComparison.Ordinal);

    public bool IsResponse(int status) => StartLine.StartsWith($"SIP/2.0 {status} ", StringComparison.Ordinal);

    /// <summary>Every value of a header (name compared case-insensitively).</summary>
    public IReadOnlyList<string> Headers(string name) =>
        HeaderLines().Where(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(line => line[(name.Length + 1)..].Trim())
            .ToList();

    public string Body => Text.Contains("\n\n", StringComparison.Ordinal) ? Text[(Text.IndexOf("\n\n", StringComparison.Ordinal) + 2)..] : string.Empty;

    private IEnumerable<string> HeaderLines() => Text.Split("\n\n", 2)[0].Split('\n').Skip(1).Select(line => line.TrimEnd('\r'));
}

/// <summary>What a SIPp run did: its exit code (0: every call as scripted), its screen output and the messages it traced.</summary>
internal sealed record SippResult(int ExitCode, string Output, IReadOnlyList<SipMessage> Messages)
{
    public IEnumerable<SipMessage> Received => Messages.Where(message => message.Received);

    public override string ToString() => $"sipp exited {ExitCode}\n{string.Join("\n---\n", Messages.Select(message => message.Text))}\n{Output[^Math.Min(Output.Length, 2000)..]}";
}

internal static partial class Sipp
{
    public static string Scenario(string name) => Path.Combine(AppContext.BaseDirectory, "sipp", name);

    /// <summary>
    /// Plays a caller's scenario against <paramref name="target"/> over TCP (or UDP), from <paramref name="localAddress"/>.
    /// A call held longer than a few seconds passes <c>-timeout</c> and <c>-recv_timeout</c> of its own in
    /// <paramref name="arguments"/> (SIPp takes the last) and a longer <paramref name="runFor"/>.
    /// </summary>
    public static async Task<SippResult> CallAsync(
        string scenario, IPEndPoint target, string localAddress, string workDirectory, IEnumerable<string> arguments, CancellationToken cancellationToken,
        bool udp = false, TimeSpan? runFor = null)
    {
        var trace = Path.Combine(workDirectory, $"{Path.GetFileNameWithoutExtension(scenario)}-{Guid.NewGuid():N}.log");
        var local = IPAddress.Parse(localAddress);
        string[] all =
        [
            $"{target.Address}:{target.Port}", "-sf", Scenario(scenario), "-t", udp ? "u1" : "t1", "-m", "1", "-nostdin",
            "-i", localAddress, "-bind_local", "-p", (udp ? SipTools.FreeUdpPort(local) : SipTools.FreeTcpPort(local)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-timeout", "15s", "-timeout_error", "-recv_timeout", "8000",
            "-trace_msg", "-message_file", trace,
            .. arguments,
        ];
        var run = await SipTools.RunAsync(SipTools.Sipp, all, runFor ?? TimeSpan.FromSeconds(30), cancellationToken);
        return new SippResult(run.ExitCode, run.Output, ReadTrace(trace));
    }

    /// <summary>Reads a SIPp message trace: entries separated by dashed lines, each headed "TCP message sent|received".</summary>
    public static IReadOnlyList<SipMessage> ReadTrace(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var messages = new List<SipMessage>();
        foreach (Match entry in TraceEntry().Matches(File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal)))
        {
            var text = entry.Groups["message"].Value.Trim('\n') + "\n";
            DateTime? at = DateTime.TryParseExact(entry.Groups["at"].Value, "yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeLocal, out var parsed) ? parsed : null;
            messages.Add(new SipMessage(entry.Groups["direction"].Value == "received", text, at));
        }

        return messages;
    }

    [GeneratedRegex(@"(?:-{20,} (?<at>[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+)[ \t]*\n)?(?:TCP|UDP) message (?<direction>sent|received)[^\n]*\n(?<message>.*?)(?=\n-{20,}|\z)", RegexOptions.Singleline)]
    private static partial Regex TraceEntry();
}

/// <summary>OpenAI's SIP side played by SIPp: answers one relayed call (<c>openai-answers.xml</c>) on a fixed TCP (or UDP) port.</summary>
internal sealed class OpenAiPeer : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output;
    private readonly string trace;

    private OpenAiPeer(Process process, StringBuilder output, string trace)
    {
        this.process = process;
        this.output = output;
        this.trace = trace;
    }

    public static async Task<OpenAiPeer> StartAsync(
        int port, string workDirectory, CancellationToken cancellationToken, string scenario = "openai-answers.xml", bool udp = false, IEnumerable<string>? arguments = null)
    {
        // The port was free when the fixture chose it, but tests run in parallel: another test's SIPp may hold it for a
        // moment as the source port of its own connection. Kamailio's configuration names this port, so it is waited for
        // (SIPp says "Address already in use") rather than changed.
        for (var attempt = 1; ; attempt++)
        {
            var trace = Path.Combine(workDirectory, $"openai-{Guid.NewGuid():N}.log");
            var process = SipTools.Start(SipTools.Sipp,
            [
                "-sf", Sipp.Scenario(scenario), "-t", udp ? "u1" : "t1", "-m", "1", "-nostdin",
                "-i", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-trace_msg", "-message_file", trace,
                .. arguments ?? [],
            ], out var output);
            var peer = new OpenAiPeer(process, output, trace);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!IsListening(port, udp))
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    await peer.DisposeAsync();
                    if (attempt < 20 && output.ToString().Contains("errno = 98", StringComparison.Ordinal))
                    {
                        break;
                    }

                    throw new InvalidOperationException($"SIPp (OpenAI's side) did not listen on {port}:\n{output}");
                }

                await Task.Delay(50, cancellationToken);
            }

            if (!process.HasExited && IsListening(port, udp))
            {
                return peer;
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>Waits for the scripted call to end (or stops waiting after <paramref name="timeout"/>) and returns what it saw.</summary>
    public async Task<SippResult> FinishAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return new SippResult(-1, output.ToString(), Sipp.ReadTrace(trace));
        }

        process.WaitForExit();
        return new SippResult(process.ExitCode, output.ToString(), Sipp.ReadTrace(trace));
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        process.Dispose();
    }

    private static bool IsListening(int port, bool udp)
    {
        try
        {
            if (udp)
            {
                using var bound = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return false;
            }

            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
