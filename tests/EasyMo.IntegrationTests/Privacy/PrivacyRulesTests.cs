using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Profiles;
using EasyMo.Domain.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static EasyMo.IntegrationTests.Privacy.PrivacyScenario;

namespace EasyMo.IntegrationTests.Privacy;

/// <summary>
/// The privacy rules are the domain's (<see cref="Call.Pseudonymise"/>, <see cref="Call.ForgetContent"/>,
/// <see cref="WhatsAppCall.Pseudonymise"/>); the erasure's bulk SQL must leave each call exactly as those methods leave
/// it, whatever state the call was in (issue 13).
/// </summary>
public sealed class PrivacyRulesTests
{
    [Fact]
    public async Task Erasure_in_SQL_leaves_every_call_as_the_domains_Pseudonymise_and_ForgetContent_do()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        var at = DateTimeOffset.UtcNow.AddDays(-2);
        var phone = PhoneNumber.Parse(Events.NewRwandanNumber());
        var profile = Profile.Create(phone, phone.Digits, "Aline", Language.Kinyarwanda, at);
        var calls = new List<Call>
        {
            Ended(Call.Receive(Events.NewCallId(), CallChannel.Phone, phone, "Aline", null, at), profile, summary: "Wanted a moto."), // summary stored
            Ended(Call.Receive(Events.NewCallId(), CallChannel.Phone, phone, null, null, at), profile, summary: null), // summary still pending
            Ended(Call.Receive(Events.NewCallId(), CallChannel.Phone, null, null, null, at), profile, summary: null), // no number, only the profile
            Ringing(Call.Receive(Events.NewCallId(), CallChannel.Phone, phone, "Aline", null, at), profile), // never answered: no summary at all
        };
        await using (var db = app.Db())
        {
            db.Profiles.Add(profile);
            db.Calls.AddRange(calls);
            await db.SaveChangesAsync(Ct);
        }

        const string Pseudonym = "psn_test";
        var expected = calls.Select(call =>
        {
            call.Pseudonymise(Pseudonym);
            call.ForgetContent();
            return Shape(call);
        }).ToList();

        await EraseAsync(app, phone, Pseudonym);

        await using var read = app.Db();
        var ids = calls.Select(call => call.Id).ToList();
        var erased = await read.Calls.AsNoTracking().Where(call => ids.Contains(call.Id)).ToListAsync(Ct);
        calls.Select(call => Shape(erased.Single(row => row.Id == call.Id))).ToList().ShouldBe(expected);
    }

    [Fact]
    public async Task Erasure_in_SQL_leaves_every_WhatsApp_call_as_the_domains_Pseudonymise_does()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        var at = DateTimeOffset.UtcNow.AddDays(-2);
        var phone = PhoneNumber.Parse(Events.NewRwandanNumber());
        var other = PhoneNumber.Parse(Events.NewRwandanNumber());
        var profile = Profile.Create(phone, phone.Digits, "Aline", Language.Kinyarwanda, at);
        var byNumber = WhatsAppCall.FromConnect(
            "wacid.a" + Guid.NewGuid().ToString("N"), new WhatsAppCallParties(WhatsAppCallDirection.UserInitiated, phone.Digits, phone, "1065"), at, at);
        var byProfile = WhatsAppCall.FromConnect( // another number, tied to the person by their profile
            "wacid.b" + Guid.NewGuid().ToString("N"), new WhatsAppCallParties(WhatsAppCallDirection.UserInitiated, other.Digits, other, "1065"), at, at);
        byProfile.LinkProfile(profile.Id, at);
        WhatsAppCall[] calls = [byNumber, byProfile];
        await using (var db = app.Db())
        {
            db.Profiles.Add(profile);
            db.WhatsAppCalls.AddRange(calls);
            await db.SaveChangesAsync(Ct);
        }

        const string Pseudonym = "psn_test";
        var expected = calls.Select(call =>
        {
            call.Pseudonymise(Pseudonym);
            return Shape(call);
        }).ToList();

        await EraseAsync(app, phone, Pseudonym);

        await using var read = app.Db();
        var ids = calls.Select(call => call.Id).ToList();
        var erased = await read.WhatsAppCalls.AsNoTracking().Where(call => ids.Contains(call.Id)).ToListAsync(Ct);
        calls.Select(call => Shape(erased.Single(row => row.Id == call.Id))).ToList().ShouldBe(expected);
    }

    private static string Shape(WhatsAppCall call) =>
        $"{call.WhatsAppCallId}: pseudonym={call.UserPseudonym} wa_id={call.UserWaId} phone={call.UserPhone?.Value} profile={call.ProfileId}";

    /// <summary>The erasure as the privacy API runs it: the store's bulk SQL, in one transaction.</summary>
    private static async Task EraseAsync(EasyMoApp app, PhoneNumber phone, string pseudonym)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IPrivacyStore>().EraseAsync(phone, pseudonym, "test", DateTimeOffset.UtcNow, Ct);
    }

    private static Call Ended(Call call, Profile profile, string? summary)
    {
        call.Identify(profile.Id, Language.Kinyarwanda);
        call.Accept(call.ReceivedAt, "gpt-realtime", "marin");
        call.RecordConsent(granted: true, call.ReceivedAt);
        call.End(call.ReceivedAt.AddMinutes(2), CallEndReason.CallerHangup);
        if (summary is not null)
        {
            call.RecordSummary(summary, call.ReceivedAt.AddMinutes(3));
        }

        return call;
    }

    private static Call Ringing(Call call, Profile profile)
    {
        call.Identify(profile.Id, Language.Kinyarwanda);
        return call;
    }

    private static string Shape(Call call) =>
        $"{call.CallId}: pseudonym={call.CallerPseudonym} caller={call.Caller?.Value} name={call.CallerName} profile={call.ProfileId} "
        + $"summary={call.Summary} status={call.SummaryStatus} due={(call.SummaryDueAt is null ? "none" : "set")}";
}
