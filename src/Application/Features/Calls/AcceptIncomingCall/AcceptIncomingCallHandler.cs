using System.Diagnostics;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Common.Metrics;
using EasyMo.Application.Features.Callbacks;
using EasyMo.Application.Features.Calls.Sip;
using EasyMo.Application.Features.Privacy;
using EasyMo.Domain.Callbacks;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;
using EasyMo.Domain.Privacy;
using EasyMo.Domain.Profiles;
using EasyMo.Domain.WhatsApp;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Features.Calls.AcceptIncomingCall;

/// <summary>
/// The decision table: unverified caller under the <c>reject</c> policy → 603; blocked → 603; over the live-call ceiling → 486; otherwise accept, where 404 means the caller
/// is gone (missed) and failure past the retry budget means 480 with a WhatsApp fallback (failed). A verified caller
/// refused with 486 or 480 is offered a call back when calls back are on (the WhatsApp text says so).
/// The call is claimed first (and the claim committed), so a webhook id or a call id is decided once, however many
/// deliveries arrive; an accept in doubt is reconciled, never guessed (docs/adr/0004).
/// </summary>
public sealed class AcceptIncomingCallHandler(
    ICallStore store,
    ICallHistory history,
    ICallControls controls,
    ICallMonitor monitor,
    ICallbackStore callbacks,
    CallbackPolicy callbackPolicy,
    EasyMoMetrics metrics,
    LanguageResolver languages,
    TrunkDirectory trunks,
    CallerIdentityVerifier identity,
    IOptions<CallHandlingOptions> callOptions,
    IOptions<RealtimeAgentOptions> agentOptions,
    IOptions<PrivacyOptions> privacyOptions,
    TimeProvider time,
    ILogger<AcceptIncomingCallHandler> logger)
    : ICommandHandler<AcceptIncomingCallCommand, CallDecision>
{
    public const string EventType = "realtime.call.incoming";
    public const string LiveEventType = "live.transport.incoming";
    public const int SipDecline = 603;
    public const int SipBusyHere = 486;
    public const int SipTemporarilyUnavailable = 480;

    public async ValueTask<CallDecision> Handle(AcceptIncomingCallCommand command, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var options = callOptions.Value;
        // Who the caller is, as far as can be proved: the SIP edge's attestation (one HMAC per configured key, no I/O).
        // Without it the number is a claim: unless the policy trusts claims, nothing of that number's profile is read or
        // written, and nothing is sent to it.
        var caller = identity.Identify(IncomingInvite.Parse(command.SipHeaders, options.DefaultCountryCode), command.SipHeaders);
        var invite = caller.Invite;
        var trusted = caller.Trusted;
        var trunk = caller.AttestedTrunk ?? (trusted && invite.Channel == CallChannel.Phone ? trunks.Find(invite.Callee) : null);
        CallLog.Incoming(logger, command.CallId, invite.Channel, invite.Caller?.Masked ?? "anonymous", invite.Callee?.Masked ?? "unknown", caller.Level, caller.Attestation);

        // The profile is only read before the claim: nothing is created for a caller the claim then refuses (ceiling).
        Profile? profile = invite.Caller is null || !trusted ? null : await store.ReadProfileAsync(invite.Caller, cancellationToken);

        var received = Call.Receive(
            command.CallId,
            invite.Channel,
            invite.Caller,
            invite.CallerDisplayName,
            invite.Callee,
            time.GetUtcNow(),
            invite.WhatsAppCallId,
            trunk,
            caller.Level,
            invite.SipCallId,
            command.Runtime);

        // The language may still come from the claimed number's country code: that tells nothing about a person.
        received.Identify(profile?.Id, languages.Resolve(profile, invite.Caller));

        // A caller who answered the consent question recently is not asked again: their answer applies to this call.
        if (profile is not null)
        {
            received.ApplyRememberedConsent(profile.ConsentAsOf(received.ReceivedAt, privacyOptions.Value.ReaskAfter), received.ReceivedAt);
        }

        // The claim is committed before OpenAI is called, and the outcome recorded after: no transaction or pooled
        // connection is held across the round trips (docs/adr/0004). The ceiling counts decisions in flight too.
        var limit = options.MaxLiveCalls > 0 ? new LiveCallLimit(options.MaxLiveCalls, received.ReceivedAt - options.MaxCallDuration) : null;
        var decision = await store.ClaimAsync(
            command.WebhookId, command.Runtime == VoiceRuntime.Live ? LiveEventType : EventType, received, limit, options.ClaimTimeout, cancellationToken);
        if (decision is null)
        {
            CallLog.Duplicate(logger, command.CallId, command.WebhookId);
            return new CallDecision(command.CallId, CallDecisionOutcome.AlreadyDecided);
        }

        var call = decision.Call; // a claim taken over decides the stored call
        if (caller.Refused)
        {
            await RejectAsync(call, SipDecline, CallEndReason.Unverified, cancellationToken);
        }
        else if (profile is { Blocked: true })
        {
            await RejectAsync(call, SipDecline, CallEndReason.Blocked, cancellationToken);
        }
        else if (decision.OverLimit)
        {
            await RejectAsync(call, SipBusyHere, CallEndReason.Busy, cancellationToken);
            await OfferCallbackAsync(call, CallbackReason.Busy, trusted, decision, cancellationToken);
        }
        else
        {
            // A first-time caller's profile is made now that the call is answered; a profile made now has no past call to recall.
            var knownCaller = profile is not null;
            if (profile is null && trusted && call.Caller is { } number)
            {
                profile = await store.GetOrCreateProfileAsync(number, call.Channel == CallChannel.WhatsApp ? WaId.Of(number) : null, cancellationToken);
                call.Identify(profile.Id, call.Language);
            }

            await AcceptAsync(call, profile, knownCaller, trusted, decision, started, cancellationToken);
        }

        await decision.CommitAsync(cancellationToken);
        if (call.Status == CallStatus.Accepted)
        {
            // Only once the decision is stored (with this instance as the call's follower): the monitor starts from what is known here.
            monitor.Follow(call, profile?.Name);
        }

        return CallDecision.From(call);
    }

    private async Task AcceptAsync(Call call, Profile? profile, bool knownCaller, bool trusted, ICallDecision decision, long started, CancellationToken cancellationToken)
    {
        var agent = agentOptions.Value;

        // Continuity: what the caller's last call was about. One indexed query, only for callers known before this call,
        // and only for a caller whose consent to keep what they say stands (summaries exist only of consented calls).
        var lastSummary = knownCaller && profile is not null && call.Consent == Consent.Granted
            ? await history.GetLastSummaryAsync(profile.Id, cancellationToken)
            : null;
        var session = AgentSessions.For(call.Runtime, call.Language, profile?.Name, lastSummary, agent);
        var openAi = controls.For(call.Runtime);
        var (model, voice) = (session.Model, session.Voice);
        var accepted = await openAi.AcceptAsync(call.CallId, session, cancellationToken);
        switch (accepted.Outcome)
        {
            case RealtimeCallOutcome.Succeeded:
                call.Accept(time.GetUtcNow(), model, voice);
                CallLog.Accepted(logger, call.CallId, call.Language.Code, model, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                return;
            case RealtimeCallOutcome.AlreadyDecided when decision.TakenOver:
                // The first decision wins at OpenAI: it was this call's accept, sent by an attempt that did not record it.
                call.Accept(time.GetUtcNow(), model, voice);
                CallLog.Reconciled(logger, call.CallId, "accept", "decision already made", "accepted");
                return;
            case RealtimeCallOutcome.AlreadyDecided:
                // This service's first accept, and yet decided: by the other runtime's surface or another deployment. Not
                // ours: not followed, and no fallback to a caller who may be talking to someone else's agent.
                call.LeaveToOtherDecision(time.GetUtcNow());
                CallLog.DecidedElsewhere(logger, call.CallId, call.Runtime);
                return;
            case RealtimeCallOutcome.CallNotFound:
                call.Miss(time.GetUtcNow());
                CallLog.Missed(logger, call.CallId);
                return;
            case RealtimeCallOutcome.InDoubt:
                await ReconcileAsync(call, openAi, accepted, trusted, decision, model, voice, cancellationToken);
                return;
        }

        // Certainly not accepted (OpenAI refused it, or it could not be sent): the caller is told no, and told why by text.
        var rejected = await openAi.RejectAsync(call.CallId, SipTemporarilyUnavailable, cancellationToken);
        await FailAsync(call, accepted, rejected, trusted, decision, cancellationToken);
    }

    /// <summary>
    /// An accept that may or may not have reached OpenAI is never guessed at: a reject (480) asks OpenAI. Taken: the call
    /// was not live, and the caller gets the fallback text. <c>decision_already_made</c>: the accept was taken, and the
    /// call is followed. Still no answer: the call is followed as accepted, and the monitor finds out (a call that is not
    /// live ends at once); no fallback is sent to a caller who may be talking to the agent.
    /// </summary>
    private async Task ReconcileAsync(
        Call call, ICallControl openAi, RealtimeCallResult accepted, bool trusted, ICallDecision decision, string model, string voice, CancellationToken cancellationToken)
    {
        var probe = await openAi.RejectAsync(call.CallId, SipTemporarilyUnavailable, cancellationToken);
        switch (probe.Outcome)
        {
            case RealtimeCallOutcome.Succeeded:
                await FailAsync(call, accepted, probe, trusted, decision, cancellationToken);
                return;
            case RealtimeCallOutcome.CallNotFound:
                call.Miss(time.GetUtcNow());
                CallLog.Missed(logger, call.CallId);
                return;
            case RealtimeCallOutcome.AlreadyDecided:
                call.Accept(time.GetUtcNow(), model, voice);
                CallLog.Reconciled(logger, call.CallId, "accept", accepted.Error ?? "in doubt", "accepted");
                return;
            default:
                call.Accept(time.GetUtcNow(), model, voice);
                CallLog.Reconciled(logger, call.CallId, "accept", accepted.Error ?? "in doubt", "followed to find out");
                return;
        }
    }

    private async Task FailAsync(
        Call call, RealtimeCallResult accepted, RealtimeCallResult rejected, bool trusted, ICallDecision decision, CancellationToken cancellationToken)
    {
        CallLog.AcceptFailed(logger, call.CallId, accepted.HttpStatus, accepted.Error, SipTemporarilyUnavailable, rejected.Outcome switch
        {
            RealtimeCallOutcome.Succeeded => RealtimeOutcomeText.Sent,
            RealtimeCallOutcome.CallNotFound => RealtimeOutcomeText.CallGone,
            _ => RealtimeOutcomeText.Failed,
        });
        var now = time.GetUtcNow();
        call.Fail(now, rejected.Succeeded ? SipTemporarilyUnavailable : null);
        // The business's WhatsApp number writes only to a number that was attested (or that the policy trusts).
        if (await OfferCallbackAsync(call, CallbackReason.AcceptFailed, trusted, decision, cancellationToken) || !trusted || call.Caller is not { } caller)
        {
            return;
        }

        decision.Enqueue(OutboxMessage.CallFallback(call.CallId, caller, call.Language, FallbackMessages.CallNotAnswered(call.Language), now));
        CallLog.FallbackQueued(logger, call.CallId, caller.Masked);
    }

    /// <summary>
    /// A verified caller the service could not answer is called back when a line is free, within their calling hours:
    /// queued once per number (an open one answers this call too), at most the day's limit; the WhatsApp text, written
    /// with the decision, says so. Returns whether the caller was told about a call back.
    /// </summary>
    private async Task<bool> OfferCallbackAsync(Call call, CallbackReason reason, bool trusted, ICallDecision decision, CancellationToken cancellationToken)
    {
        if (!trusted || call.Caller is not { } caller || !callbackPolicy.IsOn)
        {
            return false;
        }

        var callback = callbackPolicy.Offer(caller, call.ProfileId, call.Language, reason, call.CallId, call.ReceivedAt);
        var offer = await callbacks.OfferAsync(callback, callbackPolicy.MaxPerNumberPerDay, cancellationToken);
        CallbackLog.Offered(logger, call.CallId, caller.Masked, reason, offer);
        if (offer == CallbackOffer.LimitReached)
        {
            return false;
        }

        if (offer == CallbackOffer.Queued)
        {
            metrics.Callback(StateNames.Of(CallbackStatus.Queued));
        }

        decision.Enqueue(OutboxMessage.CallFallback(
            call.CallId, caller, call.Language, FallbackMessages.CallBackOffered(call.Language, reason, callbackPolicy.Hours), time.GetUtcNow()));
        CallLog.FallbackQueued(logger, call.CallId, caller.Masked);
        return true;
    }

    private async Task RejectAsync(Call call, int sipStatus, CallEndReason reason, CancellationToken cancellationToken)
    {
        var rejected = await controls.For(call.Runtime).RejectAsync(call.CallId, sipStatus, cancellationToken);
        if (rejected.Outcome is RealtimeCallOutcome.Failed or RealtimeCallOutcome.InDoubt)
        {
            // The caller still hears nothing from us; the call is recorded as refused all the same, and OpenAI times it out.
            CallLog.RejectFailed(logger, call.CallId, rejected.HttpStatus, rejected.Error);
        }

        call.Reject(time.GetUtcNow(), sipStatus, reason);
        CallLog.Rejected(logger, call.CallId, sipStatus, reason);
    }
}
