using EasyMo.Domain.Calls;

namespace EasyMo.Application.Features.Calls.AcceptIncomingCall;

/// <summary>What became of an incoming-call webhook.</summary>
public sealed record CallDecision(OpenAiCallId CallId, CallDecisionOutcome Outcome, int? SipStatusCode = null)
{
    public static CallDecision From(Call call) => new(
        call.CallId,
        call.Status switch
        {
            CallStatus.Accepted => CallDecisionOutcome.Accepted,
            CallStatus.Rejected => CallDecisionOutcome.Rejected,
            CallStatus.Missed => CallDecisionOutcome.Missed,
            _ => CallDecisionOutcome.Failed,
        },
        call.SipStatusCode);
}

public enum CallDecisionOutcome
{
    Accepted,
    Rejected,
    Missed,
    Failed,

    /// <summary>The webhook id or the call had been decided before: nothing was done.</summary>
    AlreadyDecided,
}
