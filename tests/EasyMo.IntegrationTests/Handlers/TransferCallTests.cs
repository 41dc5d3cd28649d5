using EasyMo.Application.Features.Calls.TransferCall;
using EasyMo.Domain.Calls;
using static EasyMo.IntegrationTests.Handlers.HandlerScenario;

namespace EasyMo.IntegrationTests.Handlers;

/// <summary><see cref="TransferCallCommand"/> through the host's mediator: the outcome, the REFER sent and the stored call.</summary>
public sealed class TransferCallTests
{
    private const string RwandanPhoneLine = "tel:+250788999000";
    private const string Desk = "sip:desk@pbx.example";

    private static Task<EasyMoApp> StartAsync() => EasyMoApp.StartAsync(new Dictionary<string, string?>
    {
        ["Calls:TransferTargets:rw-phone"] = RwandanPhoneLine,
        ["Calls:TransferTargets:default"] = Desk,
    });

    [Fact]
    public async Task A_caller_pressing_0_is_referred_to_the_line_for_their_language_and_channel()
    {
        await using var app = await StartAsync();
        var callId = await AcceptAsync(app); // a Rwandan number on a carrier trunk: rw, phone

        var outcome = await app.SendAsync(new TransferCallCommand(callId.AsCallId(), TransferTrigger.KeyPress));

        outcome.ShouldBe(TransferOutcome.Transferring);
        (await CallAsync(app, callId)).TransferTarget.ShouldBe(RwandanPhoneLine);
        app.OpenAi.ReferTarget(callId).ShouldBe(RwandanPhoneLine);
        (await ActivitiesAsync(app, callId)).ShouldContain(a => a.Kind == CallActivityKind.KeyPress && a.Name == "0");
    }

    [Fact]
    public async Task Without_a_line_for_the_call_the_transfer_has_no_target_and_no_REFER_is_sent()
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = await AcceptAsync(app);

        var outcome = await app.SendAsync(new TransferCallCommand(callId.AsCallId(), TransferTrigger.AgentTool));

        outcome.ShouldBe(TransferOutcome.NoTarget);
        (await CallAsync(app, callId)).TransferTarget.ShouldBeNull();
        app.OpenAi.For("refer", callId).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_REFER_that_OpenAI_refuses_fails_the_transfer_and_the_call_stays_with_the_agent()
    {
        await using var app = await StartAsync();
        var callId = await AcceptAsync(app);
        app.OpenAi.Answer("refer", 400);

        var outcome = await app.SendAsync(new TransferCallCommand(callId.AsCallId(), TransferTrigger.AgentTool));

        outcome.ShouldBe(TransferOutcome.Failed);
        var call = await CallAsync(app, callId);
        call.TransferTarget.ShouldBeNull();
        call.Status.ShouldBe(CallStatus.Accepted);
        app.OpenAi.For("refer", callId).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task A_call_that_is_not_live_is_not_transferred()
    {
        await using var app = await StartAsync();

        var outcome = await app.SendAsync(new TransferCallCommand(Events.NewCallId().AsCallId(), TransferTrigger.KeyPress));

        outcome.ShouldBe(TransferOutcome.NotLive);
        app.OpenAi.For("refer").ShouldBeEmpty();
    }
}
