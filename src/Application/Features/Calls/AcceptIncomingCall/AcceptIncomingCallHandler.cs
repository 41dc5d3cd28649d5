using System.Diagnostics;
using EasyMo.Application.Calls;
using EasyMo.Application.Calls.Sip;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Privacy;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;
using EasyMo.Domain.Privacy;
using EasyMo.Domain.Profiles;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Features.Calls.AcceptIncomingCall;

/// <summary>
/// The decision table: unverified caller under the <c>reject</c> policy → 603; blocked → 603; over the live-call ceiling → 486; otherwise accept, where 404 means the caller
/// is gone (missed) and failure past the retry budget means 480 with a WhatsApp fallback (failed).
/// The call is claimed first, so a webhook id or a call id is decided once, however many deliveries arrive.
/// </summary>
public sealed class AcceptIncomingCallHandler(
    ICallStore store,
    ICallHistory history,
    IRealtimeCallsClient openAi,
    ICallMonitor monitor,
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

        // The profile is read (or created) before the claim: it is idempotent, and keeps the claim's transaction short.
        // A profile created from here on is a first-time caller's, with no past call to recall (see AcceptAsync).
        var profileLookup = time.GetUtcNow();
        Profile? profile = invite.Caller is null || !trusted
            ? null
            : await store.GetOrCreateProfileAsync(
                invite.Caller,
                invite.Channel == CallChannel.WhatsApp ? invite.Caller.Digits : null,
                cancellationToken);

        var call = Call.Receive(
            command.CallId,
            invite.Channel,
            invite.Caller,
            invite.CallerDisplayName,
            invite.Callee,
            time.GetUtcNow(),
            invite.WhatsAppCallId,
            trunk,
            caller.Level);

        // The language may still come from the claimed number's country code: that tells nothing about a person.
        call.Identify(profile?.Id, languages.Resolve(profile, invite.Caller));

        // A caller who answered the consent question recently is not asked again: their answer applies to this call.
        if (profile is not null)
        {
            call.ApplyRememberedConsent(profile.ConsentAsOf(call.ReceivedAt, privacyOptions.Value.ReaskAfter), call.ReceivedAt);
        }

        await using var decision = await store.ClaimAsync(command.WebhookId, EventType, call, cancellationToken);
        if (decision is null)
        {
            CallLog.Duplicate(logger, command.CallId, command.WebhookId);
            return new CallDecision(command.CallId, CallDecisionOutcome.AlreadyDecided);
        }

        if (caller.Refused)
        {
            await RejectAsync(call, SipDecline, CallEndReason.Unverified, cancellationToken);
        }
        else if (profile is { Blocked: true })
        {
            await RejectAsync(call, SipDecline, CallEndReason.Blocked, cancellationToken);
        }
        else if (options.MaxLiveCalls > 0
            && await decision.CountLiveCallsAsync(call.ReceivedAt - options.MaxCallDuration, options.MaxLiveCalls, cancellationToken) >= options.MaxLiveCalls)
        {
            await RejectAsync(call, SipBusyHere, CallEndReason.Busy, cancellationToken);
        }
        else
        {
            await AcceptAsync(call, profile, profile is not null && profile.CreatedAt < profileLookup, trusted, decision, started, cancellationToken);
        }

        await decision.CommitAsync(cancellationToken);
        if (call.Status == CallStatus.Accepted)
        {
            // Only once the decision is stored: the monitor finds the call in the database.
            monitor.Follow(call.CallId);
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
        var session = new RealtimeSessionConfig(
            agent.RealtimeModel,
            AgentInstructions.Build(call.Language, profile?.Name, lastSummary),
            agent.RealtimeVoice,
            // No transcription language: callers switch languages, and Kinyarwanda is not one the models take as a hint.
            string.IsNullOrWhiteSpace(agent.TranscriptionModel) ? null : agent.TranscriptionModel,
            AgentTools.All);

        var accepted = await openAi.AcceptAsync(call.CallId, session, cancellationToken);
        switch (accepted.Outcome)
        {
            case RealtimeCallOutcome.Succeeded:
                call.Accept(time.GetUtcNow(), agent.RealtimeModel, agent.RealtimeVoice);
                CallLog.Accepted(logger, call.CallId, call.Language.Code, agent.RealtimeModel, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                return;
            case RealtimeCallOutcome.CallNotFound:
                call.Miss(time.GetUtcNow());
                CallLog.Missed(logger, call.CallId);
                return;
        }

        var rejected = await openAi.RejectAsync(call.CallId, SipTemporarilyUnavailable, cancellationToken);
        CallLog.AcceptFailed(logger, call.CallId, accepted.HttpStatus, accepted.Error, SipTemporarilyUnavailable, rejected.Outcome switch
        {
            RealtimeCallOutcome.Succeeded => RealtimeOutcomeText.Sent,
            RealtimeCallOutcome.CallNotFound => RealtimeOutcomeText.CallGone,
            _ => RealtimeOutcomeText.Failed,
        });
        var now = time.GetUtcNow();
        call.Fail(now, rejected.Succeeded ? SipTemporarilyUnavailable : null);
        // The business's WhatsApp number writes only to a number that was attested (or that the policy trusts).
        if (trusted && call.Caller is { } caller)
        {
            decision.Enqueue(OutboxMessage.CallFallback(call.CallId, caller, call.Language, FallbackMessages.CallNotAnswered(call.Language), now));
            CallLog.FallbackQueued(logger, call.CallId, caller.Masked);
        }
    }

    private async Task RejectAsync(Call call, int sipStatus, CallEndReason reason, CancellationToken cancellationToken)
    {
        var rejected = await openAi.RejectAsync(call.CallId, sipStatus, cancellationToken);
        if (rejected.Outcome == RealtimeCallOutcome.Failed)
        {
            // The caller still hears nothing from us; the call is recorded as refused all the same, and OpenAI times it out.
            logger.LogWarning("Reject of call {CallId} failed (HTTP {HttpStatus}, {Error})", call.CallId, rejected.HttpStatus, rejected.Error);
        }

        call.Reject(time.GetUtcNow(), sipStatus, reason);
        CallLog.Rejected(logger, call.CallId, sipStatus, reason);
    }
}
