using EasyMo.Application.Common.Abstractions;

namespace EasyMo.Infrastructure.Realtime;

/// <summary>Placeholder until the sideband monitor lands: follows nothing.</summary>
internal sealed class CallMonitorService : ICallMonitor
{
    public void Follow(string callId)
    {
    }
}
