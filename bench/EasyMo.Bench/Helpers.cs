using System.Net;
using System.Net.Sockets;

namespace EasyMo.Bench;

/// <summary>Small things run.sh needs without depending on curl or python being installed.</summary>
public static class Helpers
{
    /// <summary>Prints a TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Console.Out.WriteLine(((IPEndPoint)listener.LocalEndpoint).Port);
        return 0;
    }

    /// <summary>
    /// Polls <c>--url</c> until it answers 200 (exit 0; with <c>--print</c> its body goes to stdout) or <c>--timeout</c>
    /// seconds pass (exit 1).
    /// </summary>
    public static async Task<int> WaitHttpAsync(BenchArgs args, CancellationToken stop)
    {
        var url = new Uri(args.Required("url"));
        var deadline = DateTime.UtcNow + args.Seconds("timeout", 60);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var last = "no answer";
        while (DateTime.UtcNow < deadline && !stop.IsCancellationRequested)
        {
            try
            {
                using var response = await client.GetAsync(url, stop);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    if (args.Flag("print"))
                    {
                        Console.Out.WriteLine(await response.Content.ReadAsStringAsync(stop));
                    }

                    return 0;
                }

                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException exception)
            {
                last = exception.HttpRequestError.ToString();
            }
            catch (TaskCanceledException) when (!stop.IsCancellationRequested)
            {
                last = "timeout";
            }

            await Task.Delay(250, stop);
        }

        await Console.Error.WriteLineAsync($"wait-http: {url} not ready ({last})");
        return 1;
    }
}
