using EasyMo.Application.Features.Calls;
using EasyMo.Application.Features.Calls.RecordCallConsent;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Privacy;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static EasyMo.IntegrationTests.Handlers.HandlerScenario;

namespace EasyMo.IntegrationTests.Handlers;

/// <summary>
/// The caller's answer to the consent question (<see cref="RecordCallConsentCommand"/>), recorded in one statement: on the
/// call as <see cref="Call.RecordConsent"/> says (changed only by a different answer), on the profile as
/// <see cref="Domain.Profiles.Profile.RememberConsent"/> says (every answer, with its time), as the call's activity; and
/// nothing at all on a call that is not accepted.
/// </summary>
public sealed class RecordCallConsentTests
{
    [Fact]
    public async Task Each_answer_is_kept_on_the_call_when_it_changes_on_the_profile_always_and_as_an_activity_and_a_withdrawal_forgets_what_was_kept()
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = await AcceptAsync(app);
        var before = DateTimeOffset.UtcNow;

        (await app.SendAsync(new RecordCallConsentCommand(callId.AsCallId(), Granted: true, ConsentSource.Voice))).ShouldBe(Consent.Granted);

        var granted = await CallAsync(app, callId);
        granted.Consent.ShouldBe(Consent.Granted);
        var grantedAt = granted.ConsentAt.ShouldNotBeNull();
        grantedAt.ShouldBeInRange(before, DateTimeOffset.UtcNow);
        var profile = await ProfileAsync(app, granted);
        (profile.Consent, profile.ConsentAt, profile.UpdatedAt).ShouldBe((Consent.Granted, grantedAt, grantedAt));

        await using (var db = app.Db())
        {
            db.Transcripts.Add(TranscriptTurn.Create(granted.Id, 1, Speaker.Caller, "Ndashaka moto.", "item_1", grantedAt));
            db.CallRequests.Add(CallRequest.Record(granted.Id, granted.ProfileId, "rides", "Kimironko", "to town", grantedAt));
            await db.SaveChangesAsync(Ct);
        }

        // The same answer again (by keypad): the call's consent and its time stand; the profile remembers it anew.
        (await app.SendAsync(new RecordCallConsentCommand(callId.AsCallId(), Granted: true, ConsentSource.Keypad))).ShouldBe(Consent.Granted);
        var again = await CallAsync(app, callId);
        (again.Consent, again.ConsentAt).ShouldBe((Consent.Granted, grantedAt));
        var remembered = await ProfileAsync(app, again);
        remembered.Consent.ShouldBe(Consent.Granted);
        remembered.ConsentAt.ShouldNotBeNull().ShouldBeGreaterThan(grantedAt);
        (await CountAsync(app, "call_transcripts", granted.Id)).ShouldBe(1);

        // Withdrawn: the call and the profile say so, and what was kept of the call is deleted.
        (await app.SendAsync(new RecordCallConsentCommand(callId.AsCallId(), Granted: false, ConsentSource.Keypad))).ShouldBe(Consent.Denied);
        var withdrawn = await CallAsync(app, callId);
        withdrawn.Consent.ShouldBe(Consent.Denied);
        withdrawn.ConsentAt.ShouldNotBeNull().ShouldBeGreaterThan(grantedAt);
        (await ProfileAsync(app, withdrawn)).Consent.ShouldBe(Consent.Denied);
        (await CountAsync(app, "call_transcripts", granted.Id)).ShouldBe(0);
        (await CountAsync(app, "call_requests", granted.Id)).ShouldBe(0);

        (await ActivitiesAsync(app, callId)).Select(a => (a.Kind, a.Name, a.Detail)).ShouldBe(
        [
            (CallActivityKind.ToolCall, AgentTools.RecordConsent, "granted by voice"),
            (CallActivityKind.KeyPress, AgentTools.RecordConsent, "granted by keypad"),
            (CallActivityKind.KeyPress, AgentTools.RecordConsent, "denied by keypad"),
        ]);
    }

    [Fact]
    public async Task An_answer_for_a_call_that_is_not_accepted_writes_nothing()
    {
        await using var app = await EasyMoApp.StartAsync();
        var ended = await AcceptAsync(app);
        await app.SqlAsync($"UPDATE calls SET status = 'ended', ended_at = now() WHERE call_id = '{ended}'");
        var call = await CallAsync(app, ended);
        var profileBefore = await ProfileAsync(app, call);

        (await app.SendAsync(new RecordCallConsentCommand(ended.AsCallId(), Granted: true, ConsentSource.Voice))).ShouldBeNull();
        (await app.SendAsync(new RecordCallConsentCommand(Events.NewCallId().AsCallId(), Granted: true, ConsentSource.Voice))).ShouldBeNull();

        (await CallAsync(app, ended)).Consent.ShouldBe(call.Consent);
        var profileAfter = await ProfileAsync(app, call);
        (profileAfter.Consent, profileAfter.ConsentAt, profileAfter.UpdatedAt).ShouldBe((profileBefore.Consent, profileBefore.ConsentAt, profileBefore.UpdatedAt));
        (await ActivitiesAsync(app, ended)).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_anonymous_callers_answer_is_kept_on_the_call_alone()
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = Events.NewCallId();
        var now = DateTimeOffset.UtcNow;
        await using (var db = app.Db())
        {
            var call = Call.Receive(callId.AsCallId(), CallChannel.Phone, caller: null, callerName: null, PhoneNumber.Parse("+250788000111"), receivedAt: now);
            call.Accept(now, "gpt-realtime", "marin");
            db.Calls.Add(call);
            await db.SaveChangesAsync(Ct);
        }

        var profiles = await app.SqlAsync("SELECT count(*) FROM profiles");

        (await app.SendAsync(new RecordCallConsentCommand(callId.AsCallId(), Granted: true, ConsentSource.Voice))).ShouldBe(Consent.Granted);

        (await CallAsync(app, callId)).Consent.ShouldBe(Consent.Granted);
        (await app.SqlAsync("SELECT count(*) FROM profiles")).ShouldBe(profiles);
        (await ActivitiesAsync(app, callId)).ShouldHaveSingleItem().Detail.ShouldBe("granted by voice");
    }

    [Fact]
    public async Task Of_two_withdrawals_at_once_only_the_one_that_changed_the_call_forgets_its_content()
    {
        // The first withdrawal is another transaction that changed the call and has not committed (and, being the test's,
        // deletes nothing); the second must wait for it, then find the call already withdrawn: it changed nothing, so it
        // must delete nothing either. Only the answer that changed the call forgets its content.
        await using var app = await EasyMoApp.StartAsync();
        var callId = await AcceptAsync(app);
        (await app.SendAsync(new RecordCallConsentCommand(callId.AsCallId(), Granted: true, ConsentSource.Voice))).ShouldBe(Consent.Granted);
        var call = await CallAsync(app, callId);
        await using (var db = app.Db())
        {
            db.Transcripts.Add(TranscriptTurn.Create(call.Id, 1, Speaker.Caller, "Yego.", "item_kept", DateTimeOffset.UtcNow));
            await db.SaveChangesAsync(Ct);
        }

        await using var first = new NpgsqlConnection(app.ConnectionString);
        await first.OpenAsync(Ct);
        await using var transaction = await first.BeginTransactionAsync(Ct);
        await using (var withdraw = new NpgsqlCommand("UPDATE calls SET consent = 'denied', consent_at = now() WHERE id = @id", first, transaction))
        {
            withdraw.Parameters.AddWithValue("id", call.Id);
            await withdraw.ExecuteNonQueryAsync(Ct);
        }

        var second = app.SendAsync(new RecordCallConsentCommand(callId.AsCallId(), Granted: false, ConsentSource.Keypad));
        for (var waited = 0; waited < 100 && !second.IsCompleted && (long)(await app.SqlAsync("SELECT count(*) FROM pg_locks WHERE NOT granted")).ShouldNotBeNull() == 0; waited++)
        {
            await Task.Delay(50, Ct);
        }

        second.IsCompleted.ShouldBeFalse("the second answer waits for the first's uncommitted change of the call");
        await transaction.CommitAsync(Ct);
        (await second.WaitAsync(TimeSpan.FromSeconds(15), Ct)).ShouldBe(Consent.Denied);
        (await CountAsync(app, "call_transcripts", call.Id)).ShouldBe(1, "the second withdrawal changed nothing, so it forgot nothing");
    }

    private static async Task<Domain.Profiles.Profile> ProfileAsync(EasyMoApp app, Call call)
    {
        var profileId = call.ProfileId.ShouldNotBeNull();
        await using var db = app.Db();
        return await db.Profiles.AsNoTracking().SingleAsync(p => p.Id == profileId, Ct);
    }

    private static async Task<long> CountAsync(EasyMoApp app, string table, Guid callId) =>
        (long)(await app.SqlAsync($"SELECT count(*) FROM {table} WHERE call_id = '{callId}'")).ShouldNotBeNull();
}
