namespace EasyMo.Sandbox;

/// <summary>
/// Local stand-ins for OpenAI (calls API, sideband WebSocket, Responses, Audio) and WhatsApp's Graph API.
/// Default http://127.0.0.1:8090; <c>--urls</c> to change; <c>Sandbox:*</c> settings (e.g. <c>--Sandbox:TurnDelay=00:00:00.300</c>).
/// Not named Program: tests that host both the sandbox and the service see the service's Program only.
/// </summary>
internal static class SandboxProgram
{
    public static async Task Main(string[] args) => await SandboxServer.Build(args).RunAsync();
}
