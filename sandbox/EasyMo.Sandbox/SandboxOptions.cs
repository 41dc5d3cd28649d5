namespace EasyMo.Sandbox;

/// <summary>How the stand-ins behave (configuration section <c>Sandbox</c>).</summary>
public sealed class SandboxOptions
{
    public const string SectionName = "Sandbox";
    public const string DefaultUrls = "http://127.0.0.1:8090";

    /// <summary>Pause between two turns of the scripted conversation.</summary>
    public TimeSpan TurnDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the sideband script waits for the service's greeting <c>response.create</c> before going on without it.</summary>
    public TimeSpan GreetingWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the script waits for a tool's <c>function_call_output</c> before going on.</summary>
    public TimeSpan ToolWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an outbound session rings (<c>transport.ringing</c> on its sideband) before the callee answers.</summary>
    public TimeSpan RingTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// An outbound session to a number ending in this digit is never answered (<c>transport.failed</c>, <c>no_answer</c>):
    /// the default makes <c>+250788123459</c> the number to try the service's unanswered call-back with.
    /// </summary>
    public char UnansweredDigit { get; set; } = '9';

    /// <summary>
    /// Whether <c>POST /v1/live/sessions</c> may place outbound SIP calls: OpenAI enables it per organization, so
    /// <see cref="OutboundSipAccess.Disabled"/> lets the service's handling of the 403 be tried.
    /// </summary>
    public OutboundSipAccess OutboundSip { get; set; } = OutboundSipAccess.Enabled;
}

/// <summary>Values of <see cref="SandboxOptions.OutboundSip"/> (<c>enabled</c> or <c>disabled</c> in configuration).</summary>
public enum OutboundSipAccess
{
    Enabled,
    Disabled,
}
