using EasyMo.Domain.Calls;
using EasyMo.Domain.Privacy;
using Mediator;

namespace EasyMo.Application.Features.Calls.HandleCallTool;

/// <summary>The agent called one of its tools during a live call (<c>response.function_call_arguments.done</c>).</summary>
public sealed record HandleCallToolCommand(OpenAiCallId CallId, string ToolName, string Arguments) : ICommand<CallToolResult>;

/// <summary>
/// What goes back to the model (<paramref name="Output"/>, the function call's output as JSON text) and what the monitor
/// does next; <paramref name="Consent"/> is the call's consent when the tool recorded the caller's answer.
/// </summary>
public sealed record CallToolResult(string Output, ToolFollowUp FollowUp, Consent? Consent = null);

public enum ToolFollowUp
{
    /// <summary>Let the model respond to the output.</summary>
    Respond,

    /// <summary>Let the model say goodbye, then hang up once that response is done.</summary>
    HangUpAfterResponse,

    /// <summary>The call is being handed to a person: the socket will close when the REFER completes.</summary>
    Transferred,
}
