using EasyMo.Application.Features.Calls.AcceptIncomingCall;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using Microsoft.EntityFrameworkCore;
using static EasyMo.IntegrationTests.Handlers.HandlerScenario;

namespace EasyMo.IntegrationTests.Handlers;

/// <summary>
/// The decision table of <see cref="AcceptIncomingCallCommand"/>, sent through the host's mediator (real PostgreSQL,
/// OpenAI faked at HTTP): the typed decision the handler returns, the call it stored and what it asked of OpenAI.
/// </summary>
public sealed class AcceptIncomingCallTests
{
    [Fact]
    public async Task A_known_caller_is_accepted_in_the_language_of_their_profile()
    {
        await using var app = await EasyMoApp.StartAsync();
        var caller = Events.NewRwandanNumber(); // a Rwandan number alone would be answered in Kinyarwanda
        var profile = await SeedProfileAsync(app, caller, (p, now) => p.PreferLanguage(Language.French, now));
        var callId = Events.NewCallId();

        var decision = await app.SendAsync(Incoming(callId, caller));

        decision.ShouldBe(new CallDecision(callId.AsCallId(), CallDecisionOutcome.Accepted));
        var call = await CallAsync(app, callId);
        call.Status.ShouldBe(CallStatus.Accepted);
        call.Language.ShouldBe(Language.French);
        call.ProfileId.ShouldBe(profile.Id);
        call.Identity.ShouldBe(CallerIdentity.Verified);
        app.OpenAi.For("accept", callId).ShouldHaveSingleItem().Body.ShouldContain("Alice");
    }

    [Fact]
    public async Task A_blocked_caller_is_rejected_with_603_and_never_accepted()
    {
        await using var app = await EasyMoApp.StartAsync();
        var caller = Events.NewRwandanNumber();
        await SeedProfileAsync(app, caller, (p, now) => p.SetBlocked(true, now));
        var callId = Events.NewCallId();

        var decision = await app.SendAsync(Incoming(callId, caller));

        decision.ShouldBe(new CallDecision(callId.AsCallId(), CallDecisionOutcome.Rejected, 603));
        var call = await CallAsync(app, callId);
        call.Status.ShouldBe(CallStatus.Rejected);
        call.EndReason.ShouldBe(CallEndReason.Blocked);
        app.OpenAi.RejectStatus(callId).ShouldBe(603);
        app.OpenAi.For("accept", callId).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_call_over_the_live_call_ceiling_is_rejected_with_486_as_busy()
    {
        await using var app = await EasyMoApp.StartAsync(WithLiveCallCeiling(1));
        await AcceptAsync(app);
        var callId = Events.NewCallId();

        var decision = await app.SendAsync(Incoming(callId, Events.NewRwandanNumber()));

        decision.ShouldBe(new CallDecision(callId.AsCallId(), CallDecisionOutcome.Rejected, 486));
        var call = await CallAsync(app, callId);
        call.Status.ShouldBe(CallStatus.Rejected);
        call.EndReason.ShouldBe(CallEndReason.Busy);
        app.OpenAi.RejectStatus(callId).ShouldBe(486);
    }

    [Fact]
    public async Task An_unattested_caller_under_the_reject_policy_is_refused_with_603_before_any_profile_is_made()
    {
        await using var app = await EasyMoApp.StartAsync(WithUnverifiedCallers("reject"));
        var callId = Events.NewCallId();

        var decision = await app.SendAsync(Incoming(callId, Events.NewRwandanNumber(), attested: false));

        decision.ShouldBe(new CallDecision(callId.AsCallId(), CallDecisionOutcome.Rejected, 603));
        var call = await CallAsync(app, callId);
        call.EndReason.ShouldBe(CallEndReason.Unverified);
        call.Identity.ShouldBe(CallerIdentity.Unverified);
        await using var db = app.Db();
        (await db.Profiles.AsNoTracking().CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task A_duplicate_delivery_is_answered_as_already_decided_and_changes_nothing()
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = Events.NewCallId();
        var caller = Events.NewRwandanNumber();
        var command = Incoming(callId, caller);
        (await app.SendAsync(command)).Outcome.ShouldBe(CallDecisionOutcome.Accepted);
        var first = await CallAsync(app, callId);

        var again = await app.SendAsync(command);
        var underAnotherWebhookId = await app.SendAsync(Incoming(callId, caller));

        again.ShouldBe(new CallDecision(callId.AsCallId(), CallDecisionOutcome.AlreadyDecided));
        underAnotherWebhookId.ShouldBe(new CallDecision(callId.AsCallId(), CallDecisionOutcome.AlreadyDecided));
        var call = await CallAsync(app, callId);
        call.Status.ShouldBe(CallStatus.Accepted);
        call.DecidedAt.ShouldBe(first.DecidedAt);
        app.OpenAi.For("accept", callId).ShouldHaveSingleItem();
        await using var db = app.Db();
        (await db.Profiles.AsNoTracking().CountAsync(Ct)).ShouldBe(1);
    }
}
