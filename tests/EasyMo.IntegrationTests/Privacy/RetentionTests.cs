using EasyMo.Application.Features.Privacy;
using EasyMo.Infrastructure.Privacy;
using EasyMo.Infrastructure.Work;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static EasyMo.IntegrationTests.Privacy.PrivacyScenario;

namespace EasyMo.IntegrationTests.Privacy;

/// <summary>Issue 7 item 4: content purged after its age, numbers on call metadata pseudonymised after theirs.</summary>
public sealed class RetentionTests
{
    private static RetentionJob Job(EasyMoApp app, TimeProvider clock, int batchSize)
    {
        var options = new PrivacyOptions { PseudonymKey = PseudonymKey, RetentionBatchSize = batchSize };
        return new RetentionJob(
            app.Services.GetRequiredService<IServiceScopeFactory>(),
            Options.Create(options),
            new Pseudonymizer(Options.Create(options)),
            new WorkInstance(), // each job is an instance of its own
            clock,
            NullLogger<RetentionJob>.Instance);
    }

    private static Dictionary<string, int> Sum(params IReadOnlyDictionary<string, int>[] runs) =>
        runs.SelectMany(run => run).GroupBy(pair => pair.Key).ToDictionary(group => group.Key, group => group.Sum(pair => pair.Value));

    [Fact]
    public async Task Two_instances_purge_old_content_and_pseudonymise_old_numbers_once_and_keep_the_rest()
    {
        await using var first = await EasyMoApp.StartAsync(Settings());
        await using var second = await EasyMoApp.StartAsync(Settings(), first.ConnectionString, first.OpenAi);
        var now = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(now);
        var ancient = new List<string>();
        await using (var db = first.Db())
        {
            for (var i = 0; i < 3; i++)
            {
                var phone = Events.NewRwandanNumber();
                ancient.Add(phone);
                await SeedCallerAsync(db, phone, now.AddDays(-400));       // content purged, number pseudonymised
            }

            for (var i = 0; i < 2; i++)
            {
                await SeedCallerAsync(db, Events.NewRwandanNumber(), now.AddDays(-100)); // content purged, number kept
            }

            await SeedCallerAsync(db, Events.NewRwandanNumber(), now.AddDays(-1));       // all kept
        }

        var runs = await Task.WhenAll(Job(first, clock, batchSize: 2).RunOnceAsync(Ct), Job(second, clock, batchSize: 2).RunOnceAsync(Ct));
        var done = Sum(runs);

        done["call_transcripts"].ShouldBe(10);
        done["call_requests"].ShouldBe(5);
        done["calls.summary"].ShouldBe(5);
        done["calls.analysis"].ShouldBe(5);
        done["voice_notes"].ShouldBe(5);
        done["call_recordings"].ShouldBe(5);
        done["outbox_messages"].ShouldBe(5);
        done["callbacks"].ShouldBe(5);
        done["whatsapp_events"].ShouldBe(10);
        done["calls.pseudonymised"].ShouldBe(3);
        done["whatsapp_calls.pseudonymised"].ShouldBe(3);

        await using var check = first.Db();
        (await check.Transcripts.CountAsync(Ct)).ShouldBe(2);
        (await check.CallRequests.CountAsync(Ct)).ShouldBe(1);
        (await check.VoiceNotes.CountAsync(Ct)).ShouldBe(1);
        (await check.CallRecordings.CountAsync(Ct)).ShouldBe(1);
        (await check.OutboxMessages.CountAsync(Ct)).ShouldBe(1);
        (await check.Callbacks.CountAsync(Ct)).ShouldBe(1);
        (await check.Calls.CountAsync(c => c.Summary != null, Ct)).ShouldBe(1);
        (await check.Calls.CountAsync(c => c.AnalysisService != null || c.AnalysisOutcome != null || c.AnalysisSentiment != null || c.AnalysisLanguage != null || c.AnalysisRepeated != null, Ct)).ShouldBe(1);
        (await check.Calls.CountAsync(Ct)).ShouldBe(6); // the metadata stays
        (await check.Calls.CountAsync(c => c.Caller == null, Ct)).ShouldBe(3);
        var pseudonyms = await check.Calls.Where(c => c.CallerPseudonym != null).Select(c => c.CallerPseudonym!).ToListAsync(Ct);
        pseudonyms.ShouldBe(ancient.Select(phone => Pseudonyms().For(phone)), ignoreOrder: true);
        foreach (var phone in ancient)
        {
            (await FindEverywhereAsync(check, phone[1..])).ShouldAllBe(hit => hit.StartsWith("profiles.", StringComparison.Ordinal));
        }

        // The audit says what both runs did, in all, and names no one.
        var audits = await check.PrivacyAudits.AsNoTracking().ToListAsync(Ct);
        audits.ShouldAllBe(a => a.Actor == RetentionJob.Actor && a.Subject == null);
        var audited = audits.Where(a => a.Action == "purge")
            .SelectMany(a => JsonSerializer.Deserialize<Dictionary<string, int>>(a.Counts)!)
            .GroupBy(pair => pair.Key).ToDictionary(group => group.Key, group => group.Sum(pair => pair.Value));
        audited["call_transcripts"].ShouldBe(10);

        // Nothing is left to do now; the day's content goes once its age comes.
        Sum(await Job(second, clock, 2).RunOnceAsync(Ct)).Values.Sum().ShouldBe(0);
        clock.Advance(TimeSpan.FromDays(90));
        var later = Sum(await Job(first, clock, 2).RunOnceAsync(Ct));
        later["call_transcripts"].ShouldBe(2);
        later["calls.pseudonymised"].ShouldBe(0);
    }

    [Fact]
    public async Task Without_a_pseudonym_key_content_is_purged_and_numbers_are_left_for_later()
    {
        await using var app = await EasyMoApp.StartAsync(Settings());
        var now = DateTimeOffset.UtcNow;
        await using (var db = app.Db())
        {
            await SeedCallerAsync(db, Events.NewRwandanNumber(), now.AddDays(-400));
        }

        var options = new PrivacyOptions();
        var job = new RetentionJob(app.Services.GetRequiredService<IServiceScopeFactory>(), Options.Create(options), new Pseudonymizer(Options.Create(options)), new WorkInstance(), new FakeTimeProvider(now), NullLogger<RetentionJob>.Instance);
        var done = await job.RunOnceAsync(Ct);

        done["call_transcripts"].ShouldBe(2);
        done.ShouldNotContainKey("calls.pseudonymised");
        await using var check = app.Db();
        (await check.Calls.CountAsync(c => c.Caller != null, Ct)).ShouldBe(1);
    }
}
