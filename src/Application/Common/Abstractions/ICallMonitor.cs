using EasyMo.Domain.Calls;
namespace EasyMo.Application.Common.Abstractions;

/// <summary>Follows accepted calls to their end over OpenAI's sideband socket.</summary>
public interface ICallMonitor
{
    /// <summary>Starts following an accepted (and stored) call; returns at once.</summary>
    void Follow(OpenAiCallId callId);

    /// <summary>
    /// Starts following a call this instance has just accepted and stored (<see cref="ICallDecision.CommitAsync"/> named this
    /// instance as its follower in the same write): what following needs is taken from <paramref name="call"/> now, so the
    /// monitor reads nothing before it attaches. Returns at once.
    /// </summary>
    void Follow(Call call, string? callerName);
}
