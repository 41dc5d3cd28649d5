using EasyMo.Domain.Calls;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.IntegrationTests.Summaries;

/// <summary>Arranging calls with a transcript, through the webhook and the database, and waiting for their summaries.</summary>
internal static class SummaryScenario
{
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Settings that sweep every 100 ms and retry after 100 ms, plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string?> FastSummaries(params (string Key, string? Value)[] extra) => WithSummaries().With(extra);

    /// <summary>A carrier call accepted through the webhook; returns the stored call.</summary>
    public static async Task<Call> AcceptAsync(EasyMoApp app, string callId, string caller)
    {
        using var response = await app.PostWebhookAsync(Events.CarrierCall(callId, caller));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var call = await FindAsync(app, callId);
        call.Status.ShouldBe(CallStatus.Accepted);
        return call;
    }

    /// <summary>
    /// Stores transcript turns as the monitor would, numbered from 1. The monitor stores a transcript only once the
    /// caller agreed that it may be kept, so the caller's consent is recorded first (on the call and their profile).
    /// </summary>
    public static async Task AddTranscriptAsync(EasyMoApp app, Call call, params (Speaker Speaker, string Text)[] turns)
    {
        await using var db = app.Db();
        var at = call.AcceptedAt ?? call.ReceivedAt;
        var tracked = await db.Calls.SingleAsync(c => c.Id == call.Id, Ct);
        tracked.RecordConsent(granted: true, at);
        if (tracked.ProfileId is { } profileId)
        {
            (await db.Profiles.SingleAsync(p => p.Id == profileId, Ct)).RememberConsent(granted: true, at);
        }

        for (var i = 0; i < turns.Length; i++)
        {
            db.Transcripts.Add(TranscriptTurn.Create(call.Id, i + 1, turns[i].Speaker, turns[i].Text, $"item_{i + 1}", at.AddSeconds(i + 1)));
        }

        await db.SaveChangesAsync(Ct);
    }

    /// <summary>Ends the call with OpenAI's <c>realtime.call.ended</c> webhook event.</summary>
    public static async Task EndAsync(EasyMoApp app, string callId)
    {
        using var response = await app.PostWebhookAsync(Events.Other("realtime.call.ended", callId));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString().ShouldBe("ended");
    }

    public static async Task<Call> FindAsync(EasyMoApp app, string callId)
    {
        await using var db = app.Db();
        return await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == callId.AsCallId(), Ct);
    }

    /// <summary>Polls the database until the call's summary status is <paramref name="status"/>.</summary>
    public static async Task<Call> WaitForSummaryStatusAsync(EasyMoApp app, string callId, SummaryStatus status, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var call = await FindAsync(app, callId);
            if (call.SummaryStatus == status)
            {
                return call;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new ShouldAssertException(
                    $"Call {callId}'s summary is {call.SummaryStatus} after {call.SummaryAttempts} attempts, not {status}.");
            }

            await Task.Delay(50, Ct);
        }
    }
}
