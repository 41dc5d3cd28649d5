using EasyMo.Application.Features.Calls.AcceptIncomingCall;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Profiles;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.IntegrationTests.Handlers;

/// <summary>What the handler tests arrange and read: profiles, calls accepted through the mediator, the stored rows.</summary>
internal static class HandlerScenario
{
    public static AcceptIncomingCallCommand Incoming(string callId, string caller, string? webhookId = null, bool attested = true) =>
        new(webhookId ?? "wh_" + Guid.NewGuid().ToString("N"), callId.AsCallId(), Events.CarrierInvite(caller, attested));

    /// <summary>A live call from a new caller (a profile is made for them), accepted as its webhook would be; returns its id.</summary>
    public static async Task<string> AcceptAsync(EasyMoApp app, string? caller = null)
    {
        var callId = Events.NewCallId();
        (await app.SendAsync(Incoming(callId, caller ?? Events.NewRwandanNumber()))).Outcome.ShouldBe(CallDecisionOutcome.Accepted);
        return callId;
    }

    public static async Task<Profile> SeedProfileAsync(EasyMoApp app, string phone, Action<Profile, DateTimeOffset> arrange)
    {
        var now = DateTimeOffset.UtcNow;
        var profile = Profile.Create(PhoneNumber.Parse(phone), null, "Alice", null, now.AddDays(-1));
        arrange(profile, now);
        await using var db = app.Db();
        db.Profiles.Add(profile);
        await db.SaveChangesAsync(Ct);
        return profile;
    }

    public static async Task<Call> CallAsync(EasyMoApp app, string callId)
    {
        await using var db = app.Db();
        return await db.Calls.AsNoTracking().SingleAsync(c => c.CallId == callId.AsCallId(), Ct);
    }

    public static async Task<List<CallActivity>> ActivitiesAsync(EasyMoApp app, string callId)
    {
        await using var db = app.Db();
        var id = (await CallAsync(app, callId)).Id;
        return await db.CallActivities.AsNoTracking().Where(a => a.CallId == id).OrderBy(a => a.At).ToListAsync(Ct);
    }

    /// <summary>The <c>status</c> (or, failing that, <c>error</c>) of a tool's output to the model.</summary>
    public static string? StatusOf(string output)
    {
        var root = JsonDocument.Parse(output).RootElement;
        return (root.TryGetProperty("status", out var status) ? status : root.GetProperty("error")).GetString();
    }
}
