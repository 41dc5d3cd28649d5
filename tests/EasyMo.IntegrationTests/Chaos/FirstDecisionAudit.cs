using EasyMo.Domain.Calls;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.IntegrationTests.Chaos;

/// <summary>What a chaos run must leave: every call decided once, as OpenAI's first decision says, and no fallback text to a caller OpenAI accepted.</summary>
internal static class FirstDecisionAudit
{
    public static async Task<IReadOnlyDictionary<string, Call>> CheckAsync(string connectionString, FakeOpenAi openAi, IReadOnlyCollection<string> callIds)
    {
        await using var db = new EasyMoApp.DbFor(connectionString).Context;
        var calls = await db.Calls.AsNoTracking().ToDictionaryAsync(c => c.CallId.Value, TestContext.Current.CancellationToken);
        var fallbacks = (await db.OutboxMessages.AsNoTracking().Select(m => m.DeduplicationKey).ToListAsync(TestContext.Current.CancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        calls.Count.ShouldBe(callIds.Count);
        foreach (var callId in callIds)
        {
            var call = calls[callId];
            call.Status.ShouldNotBe(CallStatus.Ringing, $"{callId} was never decided");
            if (openAi.FirstDecisions.GetValueOrDefault(callId) is "accept")
            {
                call.Status.ShouldBe(CallStatus.Accepted, $"OpenAI accepted {callId}; the service recorded {call.Status}");
                fallbacks.ShouldNotContain($"call-fallback:{callId}", $"the live caller of {callId} was told we could not answer");
            }
            else
            {
                call.Status.ShouldNotBe(CallStatus.Accepted, $"OpenAI did not accept {callId}");
            }
        }

        return calls;
    }
}
