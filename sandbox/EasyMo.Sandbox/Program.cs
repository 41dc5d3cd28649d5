using EasyMo.Sandbox;

// Local stand-ins for OpenAI (calls API, sideband WebSocket, Responses, Audio) and WhatsApp's Graph API.
// Default http://127.0.0.1:8090; --urls to change; Sandbox:* settings (e.g. --Sandbox:TurnDelay=00:00:00.300).
var app = SandboxServer.Build(args);
await app.RunAsync();
