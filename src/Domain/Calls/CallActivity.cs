using EasyMo.Domain.Common;

namespace EasyMo.Domain.Calls;

/// <summary>Something that happened during a call besides talk: a tool the agent used, a transfer, a key press, a guard.</summary>
public sealed class CallActivity
{
    private CallActivity()
    {
        // For EF Core.
        Name = string.Empty;
    }

    public Guid Id { get; private set; }

    /// <summary>The call (<see cref="Call.Id"/>).</summary>
    public Guid CallId { get; private set; }

    public CallActivityKind Kind { get; private set; }

    /// <summary>The tool, the key, the guard: <c>transfer_to_human</c>, <c>0</c>, <c>max_duration</c>.</summary>
    public string Name { get; private set; }

    /// <summary>A short outcome: the transfer target, "refer failed", the language chosen. Never what the caller said.</summary>
    public string? Detail { get; private set; }

    public DateTimeOffset At { get; private set; }

    public const int MaxNameLength = 64;
    public const int MaxDetailLength = 500;

    /// <summary>What happened on a call; the name and detail may come from the model's tool calls, so both are cleaned and bounded.</summary>
    public static CallActivity Record(Guid callId, CallActivityKind kind, string name, string? detail, DateTimeOffset at) =>
        new()
        {
            Id = Guid.CreateVersion7(at),
            CallId = callId,
            Kind = kind,
            Name = UntrustedText.OneLine(name, MaxNameLength) ?? "unnamed",
            Detail = UntrustedText.OneLine(detail, MaxDetailLength),
            At = at,
        };
}

public enum CallActivityKind
{
    ToolCall,
    Transfer,
    KeyPress,
    Guard,
    Monitor,

    /// <summary>An operator acted on the live call (ended or transferred it).</summary>
    Operator,
}
