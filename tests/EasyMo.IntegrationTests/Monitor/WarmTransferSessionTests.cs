using EasyMo.Domain.Calls;
using Microsoft.EntityFrameworkCore;
using static EasyMo.IntegrationTests.Monitor.MonitorTestKit;

namespace EasyMo.IntegrationTests.Monitor;

/// <summary>The warm transfer over the sideband socket: the agent's transfer_to_human, seen twice, briefs the person once.</summary>
public sealed class WarmTransferSessionTests
{
    private const string HumanLine = "tel:+250788999000";
    private const string Staff = "+250788555002";

    private static bool IsOutputFor(JsonElement clientEvent, string functionCallId) =>
        clientEvent.GetProperty("type").GetString() == "conversation.item.create"
        && clientEvent.GetProperty("item").TryGetProperty("call_id", out var id) && id.GetString() == functionCallId;

    [Fact]
    public async Task A_transfer_tool_call_delivered_twice_sends_one_REFER_and_queues_one_brief()
    {
        await using var app = await EasyMoApp.StartAsync(Settings(
            ("Calls:TransferTargets:default", HumanLine), ("Calls:TransferContacts:default", Staff), ("Outbox:Enabled", "false")));
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            var toolCall = Events.ToolCall("fc_human", "transfer_to_human", """{"reason":"wants a person","service":"insurance"}""");
            await session.SendAsync(toolCall);
            await Poll.UntilAsync(() => session.Received.Count(e => IsOutputFor(e, "fc_human")) == 1, "the first output");
            await session.SendAsync(toolCall); // the same event again
            await Poll.UntilAsync(() => session.Received.Count(e => IsOutputFor(e, "fc_human")) == 2, "the second output");
            await session.CloseAsync(); // OpenAI drops the session once the REFER is done
        };

        var callId = await AcceptConsentingCallAsync(app, name: "Jean");
        var call = await WaitForCallAsync(app, callId, c => c.Status == CallStatus.Ended);

        call.EndReason.ShouldBe(CallEndReason.Transferred);
        app.OpenAi.For("refer", callId).ShouldHaveSingleItem();
        await using var db = app.Db();
        var brief = await db.OutboxMessages.AsNoTracking().Where(m => m.DeduplicationKey.StartsWith("transfer-brief:" + callId + ":")).ToListAsync(Ct);
        brief.ShouldHaveSingleItem().Body.ShouldContain("Serivisi: insurance");
        brief[0].Body.ShouldContain("Uhamagaye: Jean");
        brief[0].Recipient.ShouldBe(Staff[1..]);
    }
}
