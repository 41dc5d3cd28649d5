using Microsoft.AspNetCore.Builder;

namespace EasyMo.IntegrationTests.Infrastructure;

/// <summary>The sideband WebSocket of the fake (<c>/v1/realtime?call_id=…</c>).</summary>
public sealed partial class FakeOpenAi
{
    private void MapRealtime(WebApplication app)
    {
        // Filled in with the sideband socket: until then the route does not exist.
        _ = app;
    }
}
