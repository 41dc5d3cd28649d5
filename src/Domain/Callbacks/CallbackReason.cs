namespace EasyMo.Domain.Callbacks;

/// <summary>Why a call back was queued.</summary>
public enum CallbackReason
{
    /// <summary>The caller got 486 Busy Here: every line was taken.</summary>
    Busy,

    /// <summary>The caller got 480: OpenAI did not take the call's accept.</summary>
    AcceptFailed,

    /// <summary>An operator asked for it.</summary>
    Operator,
}
