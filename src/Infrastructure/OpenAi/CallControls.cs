using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
using Microsoft.Extensions.DependencyInjection;

namespace EasyMo.Infrastructure.OpenAi;

/// <summary>
/// Each runtime's control, by the runtime a call was answered on. Resolved on first use: a decision builds only the
/// client of its own runtime, not both (the hot path).
/// </summary>
internal sealed class CallControls(IServiceProvider services) : ICallControls
{
    public ICallControl For(VoiceRuntime runtime) => runtime == VoiceRuntime.Live
        ? services.GetRequiredService<LiveSessionsClient>()
        : services.GetRequiredService<RealtimeCallsClient>();
}
