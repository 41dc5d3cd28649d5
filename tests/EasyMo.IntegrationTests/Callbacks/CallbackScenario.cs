using System.Security.Cryptography;
using EasyMo.Domain.Callbacks;
using EasyMo.Domain.Common;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.IntegrationTests.Callbacks;

/// <summary>Hosts with calls back on, and the ways tests arrange and watch them.</summary>
internal static class CallbackScenario
{
    /// <summary>A trunk password of the test's own: it must never reach a log.</summary>
    public static string NewTrunkPassword() => "pw-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Polls the database until the number's latest call back satisfies <paramref name="condition"/>.</summary>
    public static async Task<Callback> WaitForCallbackAsync(EasyMoApp app, string phone, Func<Callback, bool> condition, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        var number = PhoneNumber.Parse(phone);
        Callback? callback = null;
        while (DateTime.UtcNow < until)
        {
            await using var db = app.Db();
            callback = await db.Callbacks.AsNoTracking().Where(row => row.Phone == number).OrderByDescending(row => row.RequestedAt).FirstOrDefaultAsync(Ct);
            if (callback is not null && condition(callback))
            {
                return callback;
            }

            await Task.Delay(50, Ct);
        }

        throw new TimeoutException($"The call back to {phone} did not reach the expected state; it is {callback?.Status.ToString() ?? "absent"}.");
    }

    /// <summary>Every call back to <paramref name="phone"/>.</summary>
    public static async Task<List<Callback>> CallbacksToAsync(EasyMoApp app, string phone)
    {
        var number = PhoneNumber.Parse(phone);
        await using var db = app.Db();
        return await db.Callbacks.AsNoTracking().Where(row => row.Phone == number).ToListAsync(Ct);
    }

    /// <summary>Asks for a call back through the operators' API.</summary>
    public static async Task<HttpResponseMessage> RequestAsync(EasyMoApp app, string phone) =>
        await app.Admin().PostAsJsonAsync("/api/callbacks", new { phone }, Ct);

    /// <summary>
    /// The fake's sideband: an outbound session rings, then is answered (or fails with <paramref name="failure"/>); once
    /// answered it waits for the greeting and hangs up. Any other session stays open until the service closes it.
    /// </summary>
    public static Func<FakeRealtimeSession, Task> OutboundScript(FakeOpenAi openAi, string? failure = null) => async session =>
    {
        if (!openAi.Placed.Any(placed => placed.SessionId == session.CallId))
        {
            await session.ClientClosed;
            return;
        }

        await session.SendAsync(new { type = "transport.ringing", event_id = "evt_ring", session_id = session.CallId });
        if (failure is not null)
        {
            await session.SendAsync(new { type = "transport.failed", event_id = "evt_fail", session_id = session.CallId, error = new { code = failure, message = "The call failed.", type = "call_error" } });
            await session.SendAsync(new { type = "session.closed", event_id = "evt_closed", reason = "transport_failed" });
            await session.CloseAsync();
            return;
        }

        await session.SendAsync(new { type = "transport.answered", event_id = "evt_answer", session_id = session.CallId });
        await session.WaitForAsync("session.instructions.append");
        await session.SendAsync(new { type = "session.closed", event_id = "evt_closed", reason = "remote_hangup", usage = new { seconds = 12.0 } });
        await session.CloseAsync();
    };
}
