using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Features.Privacy;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Profiles;
using EasyMo.Domain.WhatsApp;
using EasyMo.Infrastructure.Privacy;
using EasyMo.Infrastructure.Work;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static EasyMo.IntegrationTests.Privacy.PrivacyScenario;

namespace EasyMo.IntegrationTests.Privacy;

/// <summary>
/// The privacy rules are the domain's (<see cref="Call.Pseudonymise"/>, <see cref="Call.ForgetContent"/>,
/// <see cref="WhatsAppCall.Pseudonymise"/>); the bulk SQL of the erasure and of the retention job must leave each call
/// exactly as those methods leave it, whatever state the call was in (issue 13).
/// </summary>
public sealed class PrivacyRulesTests
{
    [Fact]
    public async Task Erasure_in_SQL_leaves_every_call_as_the_domains_Pseudonymise_and_ForgetContent_do()
    {
        await using var app = await EasyMoApp.StartAsync(RulesSettings());
        var at = DateTimeOffset.UtcNow.AddDays(-2);
        var phone = PhoneNumber.Parse(Events.NewRwandanNumber());
        var profile = Profile.Create(phone, phone.Digits.AsWaId(), "Aline", Language.Kinyarwanda, at);
        var calls = new List<Call>
        {
            Ended(Call.Receive(Events.NewCallId().AsCallId(), CallChannel.Phone, phone, "Aline", null, at), profile, summary: "Wanted a moto."), // summary stored
            Ended(Call.Receive(Events.NewCallId().AsCallId(), CallChannel.Phone, phone, null, null, at), profile, summary: null), // summary still pending
            Ended(Call.Receive(Events.NewCallId().AsCallId(), CallChannel.Phone, null, null, null, at), profile, summary: null), // no number, only the profile
            Ringing(Call.Receive(Events.NewCallId().AsCallId(), CallChannel.Phone, phone, "Aline", null, at), profile), // never answered: no summary at all
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
            call.Pseudonymise(Pseudonym, Keyed(app));
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
        await using var app = await EasyMoApp.StartAsync(RulesSettings());
        var at = DateTimeOffset.UtcNow.AddDays(-2);
        var phone = PhoneNumber.Parse(Events.NewRwandanNumber());
        var other = PhoneNumber.Parse(Events.NewRwandanNumber());
        var profile = Profile.Create(phone, phone.Digits.AsWaId(), "Aline", Language.Kinyarwanda, at);
        var byNumber = WhatsAppCall.FromConnect(
            "wacid.a" + Guid.NewGuid().ToString("N"), new WhatsAppCallParties(WhatsAppCallDirection.UserInitiated, phone.Digits.AsWaId(), phone, "1065"), at, at);
        var byProfile = WhatsAppCall.FromConnect( // another number, tied to the person by their profile
            "wacid.b" + Guid.NewGuid().ToString("N"), new WhatsAppCallParties(WhatsAppCallDirection.UserInitiated, other.Digits.AsWaId(), other, "1065"), at, at);
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
            call.Pseudonymise(Pseudonym, Keyed(app));
            return Shape(call);
        }).ToList();

        await EraseAsync(app, phone, Pseudonym);

        await using var read = app.Db();
        var ids = calls.Select(call => call.Id).ToList();
        var erased = await read.WhatsAppCalls.AsNoTracking().Where(call => ids.Contains(call.Id)).ToListAsync(Ct);
        calls.Select(call => Shape(erased.Single(row => row.Id == call.Id))).ToList().ShouldBe(expected);
    }

    [Fact]
    public async Task Retention_in_SQL_leaves_every_call_as_the_domains_rules_do_at_each_age()
    {
        await using var app = await EasyMoApp.StartAsync(RulesSettings());
        var now = DateTimeOffset.UtcNow;
        var phone = PhoneNumber.Parse(Events.NewRwandanNumber());
        var profile = Profile.Create(phone, phone.Digits.AsWaId(), "Aline", Language.Kinyarwanda, now.AddDays(-500));
        // Past both cut-offs (content 90 days, numbers 365 days by default), and past only the content's.
        var old = now.AddDays(-400);
        var middle = now.AddDays(-200);
        var calls = new List<(Call Call, bool Old)>();
        foreach (var (at, isOld) in new[] { (old, true), (middle, false) })
        {
            calls.Add((Ended(Call.Receive(Events.NewCallId().AsCallId(), CallChannel.Phone, phone, "Aline", null, at), profile, summary: "Wanted a moto."), isOld));
            calls.Add((Ended(Call.Receive(Events.NewCallId().AsCallId(), CallChannel.Phone, phone, null, null, at), profile, summary: null), isOld));
            calls.Add((Ended(Call.Receive(Events.NewCallId().AsCallId(), CallChannel.Phone, null, null, null, at), profile, summary: null), isOld)); // only the profile
            calls.Add((Ringing(Call.Receive(Events.NewCallId().AsCallId(), CallChannel.Phone, phone, "Aline", null, at), profile), isOld));
            calls.Add((Call.Receive(Events.NewCallId().AsCallId(), CallChannel.Phone, null, null, null, at), isOld)); // tied to nobody
        }

        await using (var db = app.Db())
        {
            db.Profiles.Add(profile);
            db.Calls.AddRange(calls.Select(entry => entry.Call));
            await db.SaveChangesAsync(Ct);
        }

        var pseudonym = Pseudonyms().For(phone); // retention derives it from the number (the profile's, for a call with none)
        var expected = calls.Select(entry =>
        {
            entry.Call.ForgetContent();
            if (entry.Old)
            {
                entry.Call.Pseudonymise(pseudonym, Keyed(app));
            }

            return Shape(entry.Call);
        }).ToList();

        await RetainAsync(app, now);

        await using var read = app.Db();
        var ids = calls.Select(entry => entry.Call.Id).ToList();
        var kept = await read.Calls.AsNoTracking().Where(call => ids.Contains(call.Id)).ToListAsync(Ct);
        calls.Select(entry => Shape(kept.Single(row => row.Id == entry.Call.Id))).ToList().ShouldBe(expected);
    }

    [Fact]
    public async Task Retention_in_SQL_leaves_every_old_WhatsApp_call_as_the_domains_Pseudonymise_does()
    {
        await using var app = await EasyMoApp.StartAsync(RulesSettings());
        var now = DateTimeOffset.UtcNow;
        var at = now.AddDays(-400);
        var phone = PhoneNumber.Parse(Events.NewRwandanNumber());
        var other = PhoneNumber.Parse(Events.NewRwandanNumber());
        var profile = Profile.Create(phone, phone.Digits.AsWaId(), "Aline", Language.Kinyarwanda, at);
        var byNumber = WhatsAppCall.FromConnect(
            "wacid.a" + Guid.NewGuid().ToString("N"), new WhatsAppCallParties(WhatsAppCallDirection.UserInitiated, phone.Digits.AsWaId(), phone, "1065"), at, at);
        var byProfile = WhatsAppCall.FromConnect(
            "wacid.b" + Guid.NewGuid().ToString("N"), new WhatsAppCallParties(WhatsAppCallDirection.UserInitiated, other.Digits.AsWaId(), other, "1065"), at, at);
        byProfile.LinkProfile(profile.Id, at);
        var recent = WhatsAppCall.FromConnect( // inside the year: kept as it is
            "wacid.c" + Guid.NewGuid().ToString("N"), new WhatsAppCallParties(WhatsAppCallDirection.UserInitiated, phone.Digits.AsWaId(), phone, "1065"), now.AddDays(-30), now.AddDays(-30));
        WhatsAppCall[] calls = [byNumber, byProfile, recent];
        await using (var db = app.Db())
        {
            db.Profiles.Add(profile);
            db.WhatsAppCalls.AddRange(calls);
            await db.SaveChangesAsync(Ct);
        }

        byNumber.Pseudonymise(Pseudonyms().For(phone), Keyed(app));
        byProfile.Pseudonymise(Pseudonyms().For(other), Keyed(app)); // its own number first, as the domain would be given it
        var expected = calls.Select(Shape).ToList();

        await RetainAsync(app, now);

        await using var read = app.Db();
        var ids = calls.Select(call => call.Id).ToList();
        var kept = await read.WhatsAppCalls.AsNoTracking().Where(call => ids.Contains(call.Id)).ToListAsync(Ct);
        calls.Select(call => Shape(kept.Single(row => row.Id == call.Id))).ToList().ShouldBe(expected);
    }

    /// <summary>One run of the retention job with the default ages, at <paramref name="now"/>.</summary>
    private static async Task RetainAsync(EasyMoApp app, DateTimeOffset now)
    {
        var options = new PrivacyOptions { PseudonymKey = PseudonymKey };
        var job = new RetentionJob(
            app.Services.GetRequiredService<IServiceScopeFactory>(), Options.Create(options), new Pseudonymizer(Options.Create(options)),
            new WorkInstance(), new FakeTimeProvider(now), NullLogger<RetentionJob>.Instance);
        await job.RunOnceAsync(Ct);
    }

    /// <summary>
    /// The privacy settings, without the summary and analysis sweepers: they would write the pending summaries these tests compare while
    /// they compare them (the rules are about the SQL, not about the sweeper).
    /// </summary>
    private static Dictionary<string, string?> RulesSettings() => Settings(("Summaries:Enabled", "false"));

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
            call.RecordAnalysis(new CallAnalysis("rides", CallOutcome.Resolved, CallerSentiment.Positive, SpokenLanguage.Rw, Misunderstood: true, Repeated: false), call.ReceivedAt.AddMinutes(3));
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
        + $"summary={call.Summary} status={call.SummaryStatus} due={(call.SummaryDueAt is null ? "none" : "set")} "
        + $"analysis={call.AnalysisService}/{call.AnalysisOutcome}/{call.AnalysisSentiment}/{call.AnalysisLanguage}/{call.AnalysisMisunderstood}/{call.AnalysisRepeated} "
        + $"analysis_status={call.AnalysisStatus} analysis_due={(call.AnalysisDueAt is null ? "none" : "set")}";

    /// <summary>The service's own keying of WhatsApp ids (its pseudonym key).</summary>
    private static Func<string, string> Keyed(EasyMoApp app) =>
        app.Services.GetRequiredService<Application.Features.Privacy.Pseudonymizer>().KeyedId;
}
