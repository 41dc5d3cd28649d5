namespace EasyMo.IntegrationTests.Webhooks;

/// <summary>What a call leaves in the logs: the original event names, masked numbers, and no secret.</summary>
public sealed class LoggingTests
{
    [Fact]
    public async Task A_call_is_logged_by_event_name_with_masked_numbers_and_without_secrets()
    {
        await using var app = await EasyMoApp.StartAsync();
        var callId = Events.NewCallId();
        var caller = Events.NewRwandanNumber();

        (await app.PostWebhookAsync(Events.CarrierCall(callId, caller))).StatusCode.ShouldBe(HttpStatusCode.OK);
        app.OpenAi.Answer("accept", 500);
        (await app.PostWebhookAsync(Events.CarrierCall(Events.NewCallId(), caller))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.PostRawWebhookAsync("{}"u8.ToArray(), "wh_x", "1", "v1,bad")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var logs = app.Logs.Text;
        logs.ShouldContain("\"Name\":\"OPENAI_SIP_CALL_INCOMING\"");
        logs.ShouldContain("\"Name\":\"OPENAI_SIP_CALL_ACCEPTED\"");
        logs.ShouldContain("\"Name\":\"OPENAI_SIP_CALL_ACCEPT_ERROR\"");
        logs.ShouldContain("\"Name\":\"OPENAI_SIP_WEBHOOK_SIGNATURE_INVALID\"");
        logs.ShouldContain(callId);
        logs.ShouldContain($"\"{caller[..4]}");
        logs.ShouldNotContain(caller.TrimStart('+'));
        logs.ShouldNotContain(app.ApiKey);
        logs.ShouldNotContain(app.WebhookSecret["whsec_".Length..]);
        logs.ShouldNotContain(app.AdminToken);
        app.Logs.Lines.ShouldAllBe(line => line.StartsWith("{\"@t\":", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Request_lines_carry_the_correlation_id()
    {
        await using var app = await EasyMoApp.StartAsync();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openai-sip-webhook/health");
        request.Headers.Add("X-Correlation-ID", "corr-1234");

        (await client.SendAsync(request, TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);

        app.Logs.Lines.ShouldContain(line => line.Contains("\"CorrelationId\":\"corr-1234\"", StringComparison.Ordinal));
    }
}
