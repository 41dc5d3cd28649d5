using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Common.Metrics;
using EasyMo.Application.Features.Calls;
using EasyMo.Domain.Callbacks;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Application.Features.Privacy;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Features.Callbacks.PlaceCallback;

/// <summary>
/// Asks OpenAI to place a call back (GPT-Live, outbound SIP), once: the call back is already out of the queue
/// (<see cref="CallbackStatus.Dialing"/>, committed by the dialer), so whatever happens here it is never dialed again.
/// Placed: the call is stored as accepted (it takes a line at once) and followed. OpenAI's 429 queues it again (certainly
/// no call); any other refusal fails it; an answer nobody can read leaves it in doubt.
/// </summary>
public sealed class PlaceCallbackHandler(
    ICallbackStore callbacks,
    ICallStore calls,
    ICallDialer dialer,
    ICallMonitor monitor,
    CallbackPolicy policy,
    EasyMoMetrics metrics,
    IOptions<RealtimeAgentOptions> agentOptions,
    IOptions<PrivacyOptions> privacyOptions,
    TimeProvider time,
    ILogger<PlaceCallbackHandler> logger)
    : ICommandHandler<PlaceCallbackCommand, PlaceCallbackResult>
{
    /// <summary>How long after OpenAI's 429 a call back is due again.</summary>
    public static readonly TimeSpan TryLaterDelay = TimeSpan.FromMinutes(1);

    public async ValueTask<PlaceCallbackResult> Handle(PlaceCallbackCommand command, CancellationToken cancellationToken)
    {
        var callback = await callbacks.FindAsync(command.CallbackId, cancellationToken);
        if (callback is not { Status: CallbackStatus.Dialing })
        {
            return PlaceCallbackResult.NotDialing;
        }

        var profile = callback.ProfileId is { } profileId ? await calls.FindProfileByIdAsync(profileId, cancellationToken) : null;
        if (!policy.IsOn || profile is { Blocked: true })
        {
            // Turned off since it was queued (OpenAI refused outbound calling), or the caller was blocked meanwhile.
            return await SettleAsync(callback, CallbackStatus.Failed, null, policy.IsOn ? "caller blocked" : "outbound calling off", cancellationToken);
        }

        var session = AgentSessions.For(
            VoiceRuntime.Live, callback.Language, profile?.Name, lastSummary: null, agentOptions.Value, Situation(callback));
        var result = await dialer.DialAsync(callback.Phone, session, cancellationToken);
        var now = time.GetUtcNow();
        switch (result.Outcome)
        {
            case DialOutcome.Placed when result.SessionId is { } sessionId:
                var call = Call.Receive(
                    sessionId, CallChannel.Phone, callback.Phone, callerName: null, callee: null, now,
                    identity: CallerIdentity.Verified, runtime: VoiceRuntime.Live);
                call.Identify(callback.ProfileId, callback.Language);
                if (profile is not null)
                {
                    call.ApplyRememberedConsent(profile.ConsentAsOf(now, privacyOptions.Value.ReaskAfter), now);
                }

                call.Accept(now, session.Model, session.Voice);
                callback.Place(sessionId, now);
                callbacks.Add(call);
                await callbacks.SaveChangesAsync(cancellationToken); // one transaction: the call back placed and its call, live
                metrics.Callback(StateNames.Of(CallbackStatus.Placed));
                CallbackLog.Placed(logger, callback.Id, callback.Phone.Masked, sessionId);
                monitor.Follow(sessionId);
                return PlaceCallbackResult.Placed;

            case DialOutcome.OutboundDisabled:
                policy.TurnOffOutbound(result.Error ?? "outbound_sip_not_enabled");
                return await SettleAsync(callback, CallbackStatus.Failed, result.HttpStatus, result.Error, cancellationToken);

            case DialOutcome.TryLater:
                callback.Requeue(result.Error ?? "rate limited", now + TryLaterDelay);
                await callbacks.SaveChangesAsync(cancellationToken);
                CallbackLog.NotPlaced(logger, callback.Id, callback.Phone.Masked, CallbackStatus.Queued, result.HttpStatus, result.Error);
                return PlaceCallbackResult.Requeued;

            case DialOutcome.Refused:
                return await SettleAsync(callback, CallbackStatus.Failed, result.HttpStatus, result.Error, cancellationToken);

            default:
                return await SettleAsync(callback, CallbackStatus.InDoubt, result.HttpStatus, result.Error ?? "no session id", cancellationToken);
        }
    }

    /// <summary>What the voice is told first: whom it calls back and why, on the caller's clock.</summary>
    internal static string Situation(Callback callback)
    {
        var calledAt = CallbackPolicy.CalledAt(callback);
        return callback.Reason == CallbackReason.Operator
            ? "This is an outbound call: EasyMO is calling this person back at their request. When they answer, say you are EasyMO's AI assistant calling them back, and ask how you can help."
            : $"This is an outbound call: EasyMO is calling this person back because they called EasyMO at {calledAt} and no line was free. "
              + $"When they answer, say you are EasyMO's AI assistant returning their call from {calledAt}, and ask how you can help.";
    }

    private async Task<PlaceCallbackResult> SettleAsync(Callback callback, CallbackStatus status, int? httpStatus, string? error, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (status == CallbackStatus.InDoubt)
        {
            callback.Doubt(error ?? "in doubt", now);
        }
        else
        {
            callback.Fail(error ?? $"HTTP {httpStatus}", now);
        }

        await callbacks.SaveChangesAsync(cancellationToken);
        metrics.Callback(StateNames.Of(status));
        CallbackLog.NotPlaced(logger, callback.Id, callback.Phone.Masked, status, httpStatus, error);
        return status == CallbackStatus.InDoubt ? PlaceCallbackResult.InDoubt : PlaceCallbackResult.Failed;
    }
}
