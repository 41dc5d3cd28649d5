using EasyMo.Application.Features.Calls;
using EasyMo.Application.Features.Calls.HandleCallTool;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Privacy;
using Microsoft.EntityFrameworkCore;
using static EasyMo.IntegrationTests.Handlers.HandlerScenario;

namespace EasyMo.IntegrationTests.Handlers;

/// <summary>
/// The agent's tools (<see cref="HandleCallToolCommand"/>) on a live call, through the host's mediator: what goes back to
/// the model, what the monitor is told to do next, and what was stored.
/// </summary>
public sealed class HandleCallToolTests
{
    private const string HumanLine = "tel:+250788999000";

    [Fact]
    public async Task transfer_to_human_refers_the_call_to_the_configured_line_and_tells_the_monitor_it_is_transferred()
    {
        await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?> { ["Calls:TransferTargets:default"] = HumanLine });
        var callId = await AcceptAsync(app);

        var result = await app.SendAsync(new HandleCallToolCommand(callId.AsCallId(), AgentTools.TransferToHuman, """{"reason":"wants a person"}"""));

        result.FollowUp.ShouldBe(ToolFollowUp.Transferred);
        StatusOf(result.Output).ShouldBe("transferring");
        (await CallAsync(app, callId)).TransferTarget.ShouldBe(HumanLine);
        app.OpenAi.ReferTarget(callId).ShouldBe(HumanLine);
    }

    [Fact]
    public async Task transfer_to_human_without_a_line_tells_the_model_to_offer_to_record_the_request()
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = await AcceptAsync(app);

        var result = await app.SendAsync(new HandleCallToolCommand(callId.AsCallId(), AgentTools.TransferToHuman, "{}"));

        result.FollowUp.ShouldBe(ToolFollowUp.Respond);
        StatusOf(result.Output).ShouldBe("unavailable");
        (await CallAsync(app, callId)).TransferTarget.ShouldBeNull();
        app.OpenAi.For("refer", callId).ShouldBeEmpty();
    }

    [Fact]
    public async Task end_call_lets_the_agent_say_goodbye_before_hanging_up_and_records_the_tool_call()
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = await AcceptAsync(app);

        var result = await app.SendAsync(new HandleCallToolCommand(callId.AsCallId(), AgentTools.EndCall, "{}"));

        result.FollowUp.ShouldBe(ToolFollowUp.HangUpAfterResponse);
        StatusOf(result.Output).ShouldBe("ending");
        (await ActivitiesAsync(app, callId)).ShouldContain(a => a.Kind == CallActivityKind.ToolCall && a.Name == AgentTools.EndCall);
    }

    [Theory]
    [InlineData("fr", "saved", "fr")]
    [InlineData("de", "language must be en, fr or rw", null)] // a language the service does not speak changes nothing
    public async Task set_preferred_language_saves_a_language_the_service_speaks_on_the_callers_profile(string language, string status, string? saved)
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = await AcceptAsync(app);

        var result = await app.SendAsync(new HandleCallToolCommand(callId.AsCallId(), AgentTools.SetPreferredLanguage, $$"""{"language":"{{language}}"}"""));

        StatusOf(result.Output).ShouldBe(status);
        var profileId = (await CallAsync(app, callId)).ProfileId.ShouldNotBeNull();
        await using var db = app.Db();
        var profile = await db.Profiles.AsNoTracking().SingleAsync(p => p.Id == profileId, Ct);
        (profile.Language?.Code).ShouldBe(saved);
    }

    [Fact]
    public async Task record_consent_stores_the_callers_answer_on_the_call_and_returns_it_to_the_monitor()
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = await AcceptAsync(app);

        var result = await app.SendAsync(new HandleCallToolCommand(callId.AsCallId(), AgentTools.RecordConsent, """{"granted":true}"""));

        result.Consent.ShouldBe(Consent.Granted);
        StatusOf(result.Output).ShouldBe("granted");
        (await CallAsync(app, callId)).Consent.ShouldBe(Consent.Granted);
    }

    [Fact]
    public async Task record_request_keeps_nothing_from_a_caller_who_has_not_consented()
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = await AcceptAsync(app);

        var result = await app.SendAsync(new HandleCallToolCommand(callId.AsCallId(), AgentTools.RecordRequest, """{"service":"rides","location":"Kimironko"}"""));

        StatusOf(result.Output).ShouldBe("not_recorded");
        await using var db = app.Db();
        (await db.CallRequests.AsNoTracking().CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task record_request_after_consent_stores_the_request_for_a_follow_up()
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = await AcceptAsync(app);
        await app.SendAsync(new HandleCallToolCommand(callId.AsCallId(), AgentTools.RecordConsent, """{"granted":true}"""));

        var result = await app.SendAsync(new HandleCallToolCommand(
            callId.AsCallId(), AgentTools.RecordRequest, """{"service":"rides","location":"Kimironko","details":"A moto to town at 5 pm"}"""));

        StatusOf(result.Output).ShouldBe("recorded");
        var call = await CallAsync(app, callId);
        await using var db = app.Db();
        var request = await db.CallRequests.AsNoTracking().SingleAsync(Ct);
        (request.CallId, request.ProfileId, request.Service, request.Location, request.Details)
            .ShouldBe((call.Id, call.ProfileId, "rides", "Kimironko", "A moto to town at 5 pm"));
    }

    [Fact]
    public async Task A_tool_on_a_call_that_is_not_live_is_answered_with_an_error()
    {
        await using var app = await EasyMoApp.StartAsync();

        var result = await app.SendAsync(new HandleCallToolCommand(Events.NewCallId().AsCallId(), AgentTools.EndCall, "{}"));

        result.FollowUp.ShouldBe(ToolFollowUp.Respond);
        StatusOf(result.Output).ShouldBe("the call is not live");
    }
}
