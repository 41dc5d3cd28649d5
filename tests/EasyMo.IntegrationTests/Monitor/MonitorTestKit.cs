using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Profiles;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.IntegrationTests.Monitor;

/// <summary>Hosts with the sideband monitor on, and short guards, for tests that follow calls to their end.</summary>
internal static class MonitorTestKit
{
    /// <summary>The monitor's settings (<see cref="TestSettings.WithMonitor"/>) with a test's own on top.</summary>
    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] overrides) => WithMonitor().With(overrides);

    /// <summary>Polls the database until the call satisfies <paramref name="condition"/>.</summary>
    public static async Task<Call> WaitForCallAsync(EasyMoApp app, string callId, Func<Call, bool> condition, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        Call? call = null;
        while (DateTime.UtcNow < until)
        {
            await using var db = app.Db();
            call = await db.Calls.AsNoTracking().SingleOrDefaultAsync(c => c.CallId == callId.AsCallId());
            if (call is not null && condition(call))
            {
                return call;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Call {callId} did not reach the expected state; it is {call?.Status}.");
    }

    public static async Task<string> AcceptCallAsync(EasyMoApp app, string? caller = null)
    {
        var callId = Events.NewCallId();
        using var response = await app.PostWebhookAsync(Events.CarrierCall(callId, caller ?? Events.NewRwandanNumber()));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return callId;
    }

    /// <summary>
    /// Accepts a call from a caller who already agreed that their conversations may be kept (remembered on their
    /// profile, so they are not asked again): what they say is stored, as the tests of transcripts and tools expect.
    /// </summary>
    public static async Task<string> AcceptConsentingCallAsync(EasyMoApp app, string? caller = null, string? name = null, Language? language = null)
    {
        caller ??= Events.NewRwandanNumber();
        await using (var db = app.Db())
        {
            var profile = Profile.Create(PhoneNumber.Parse(caller), null, name, language, DateTimeOffset.UtcNow.AddDays(-1));
            profile.RememberConsent(granted: true, DateTimeOffset.UtcNow.AddDays(-1));
            db.Profiles.Add(profile);
            await db.SaveChangesAsync();
        }

        return await AcceptCallAsync(app, caller);
    }
}
