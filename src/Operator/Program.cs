namespace EasyMo.Operator;

/// <summary>The operator's tool: one command, then exit (<c>EasyMo.Operator migrate</c>, <c>doctor</c>, …; <c>--help</c> lists them).</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // the command sees the token and ends cleanly
            cancel.Cancel();
        };

        return await EasyMoCli.RunAsync(args.Length == 0 ? ["--help"] : args, Console.Out, Console.Error, ct: cancel.Token);
    }
}
