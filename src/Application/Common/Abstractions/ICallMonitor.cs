using EasyMo.Domain.Calls;
namespace EasyMo.Application.Common.Abstractions;

/// <summary>Follows accepted calls to their end over OpenAI's sideband socket.</summary>
public interface ICallMonitor
{
    /// <summary>Starts following an accepted (and stored) call; returns at once.</summary>
    void Follow(OpenAiCallId callId);
}
