using EasyMo.Domain.Messaging;
using EasyMo.IntegrationTests.WhatsApp;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.IntegrationTests.Outbox;

/// <summary>Contract §5: the outbox drained through the Graph API (faked by <see cref="FakeGraph"/>), each answer's path.</summary>
public sealed class OutboxDispatchTests
{
    [Fact]
    public async Task The_fallback_of_a_call_that_could_not_be_accepted_is_sent_with_its_text_and_the_bearer()
    {
        await using var graph = await FakeGraph.StartAsync();
        await using var host = await OutboxHost.StartAsync(graph);
        host.App.OpenAi.Answer("accept", 500);
        var callId = Events.NewCallId();
        var caller = Events.NewRwandanNumber();

        using var response = await host.App.PostWebhookAsync(Events.CarrierCall(callId, caller));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        Guid id;
        await using (var db = host.App.Db())
        {
            id = (await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.DeduplicationKey == $"call-fallback:{callId}", Ct)).Id;
        }

        var message = await host.WaitForOutcomeAsync(id);
        message.Status.ShouldBe(OutboxStatus.Sent);
        var send = graph.Sends().ShouldHaveSingleItem();
        send.Version.ShouldBe("v24.0");
        send.Id.ShouldBe(FakeGraph.PhoneNumberId);
        send.Authorization.ShouldBe($"Bearer {host.AccessToken}");
        send.ContentType.ShouldNotBeNull().ShouldStartWith("application/json");
        send.Json.GetProperty("messaging_product").GetString().ShouldBe("whatsapp");
        send.Json.GetProperty("to").GetString().ShouldBe(caller[1..]);
        send.Json.GetProperty("type").GetString().ShouldBe("text");
        send.Json.GetProperty("text").GetProperty("body").GetString().ShouldBe(message.Body);
        send.Json.TryGetProperty("template", out _).ShouldBeFalse();
        message.ProviderMessageId.ShouldNotBeNull().ShouldBe(send.AnsweredMessageId);
        message.ProviderMessageId.ShouldStartWith("wamid.");
        message.SentAt.ShouldNotBeNull();
        message.Attempts.ShouldBe(1);
        message.Kind.ShouldBe(OutboxMessageKind.Text);

        var logs = host.App.Logs.Text;
        logs.ShouldContain("WA_OUTBOX_SENT");
        logs.ShouldNotContain(host.AccessToken);
        logs.ShouldNotContain(message.Body);
        logs.ShouldNotContain(caller[1..]);
    }

    [Theory]
    [InlineData(429, 130429)] // rate limit hit
    [InlineData(400, 131056)] // pair rate limit hit
    [InlineData(503, null)]   // a 5xx without a Graph error
    [InlineData(500, 131000)] // a 5xx with one
    public async Task Passing_failures_are_retried_with_backoff_until_sent(int status, int? code)
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.FailFirst(2, status, code);
        await using var host = await OutboxHost.StartAsync(graph);
        var to = WhatsAppPayloads.NewWaId();

        var queued = await host.QueueAsync(to);
        var message = await host.WaitForOutcomeAsync(queued.Id);

        message.Status.ShouldBe(OutboxStatus.Sent);
        message.Attempts.ShouldBe(3);
        message.LastErrorCode.ShouldBe(code);
        var sends = graph.Sends(to);
        sends.Count.ShouldBe(3);
        message.ProviderMessageId.ShouldBe(sends[^1].AnsweredMessageId);
        host.App.Logs.Text.ShouldContain("WA_OUTBOX_RETRY");
    }

    [Fact]
    public async Task A_request_that_times_out_is_tried_again()
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.Responder = async (_, attempt) =>
        {
            if (attempt == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
            }

            return GraphReply.Sent();
        };
        await using var host = await OutboxHost.StartAsync(graph, new Dictionary<string, string?> { ["WhatsApp:RequestTimeout"] = "00:00:00.300" });
        var to = WhatsAppPayloads.NewWaId();

        var queued = await host.QueueAsync(to);
        var message = await host.WaitForOutcomeAsync(queued.Id);

        message.Status.ShouldBe(OutboxStatus.Sent);
        message.Attempts.ShouldBe(2);
        message.LastError.ShouldBe("timeout");
        graph.Sends(to).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_message_failing_past_MaxAttempts_is_given_up()
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.FailFirst(100, 503, null);
        await using var host = await OutboxHost.StartAsync(graph, new Dictionary<string, string?> { ["Outbox:MaxAttempts"] = "3" });
        var to = WhatsAppPayloads.NewWaId();

        var queued = await host.QueueAsync(to);
        var message = await host.WaitForOutcomeAsync(queued.Id);

        message.Status.ShouldBe(OutboxStatus.GivenUp);
        message.Attempts.ShouldBe(3);
        message.LastError.ShouldNotBeNull().ShouldContain("3 attempts");
        graph.Sends(to).Count.ShouldBe(3);
    }

    [Theory]
    [InlineData(400, 131026)] // undeliverable: not on WhatsApp
    [InlineData(400, 100)]    // invalid parameter
    [InlineData(401, 190)]    // token expired
    [InlineData(404, null)]
    public async Task Undeliverable_and_other_4xx_are_given_up_at_once(int status, int? code)
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.FailFirst(100, status, code);
        await using var host = await OutboxHost.StartAsync(graph);
        var to = WhatsAppPayloads.NewWaId();

        var queued = await host.QueueAsync(to);
        var message = await host.WaitForOutcomeAsync(queued.Id);

        message.Status.ShouldBe(OutboxStatus.GivenUp);
        message.Attempts.ShouldBe(1);
        message.LastErrorCode.ShouldBe(code);
        message.ProviderMessageId.ShouldBeNull();
        await Task.Delay(300, Ct); // several sweeps: never tried again
        graph.Sends(to).ShouldHaveSingleItem();
        host.App.Logs.Text.ShouldContain("WA_OUTBOX_GIVEN_UP");
    }

    [Fact]
    public async Task Outside_the_24_hour_window_the_configured_template_is_sent_instead()
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.Responder = (request, _) => Task.FromResult(request.Type == "text" ? GraphReply.Error(400, 131047) : GraphReply.Sent());
        await using var host = await OutboxHost.StartAsync(graph, new Dictionary<string, string?>
        {
            ["WhatsApp:FallbackTemplate:Name"] = "voice_unavailable",
            ["WhatsApp:FallbackTemplate:Language"] = "en_US",
        });
        var to = WhatsAppPayloads.NewWaId();

        var queued = await host.QueueAsync(to);
        var message = await host.WaitForOutcomeAsync(queued.Id);

        message.Status.ShouldBe(OutboxStatus.Sent);
        message.Kind.ShouldBe(OutboxMessageKind.Template);
        message.TemplateName.ShouldBe("voice_unavailable");
        message.LastErrorCode.ShouldBe(131047);
        message.Attempts.ShouldBe(2);
        var sends = graph.Sends(to);
        sends.Count.ShouldBe(2);
        sends[0].Type.ShouldBe("text");
        var template = sends[1].Json;
        template.GetProperty("messaging_product").GetString().ShouldBe("whatsapp");
        template.GetProperty("type").GetString().ShouldBe("template");
        template.GetProperty("template").GetProperty("name").GetString().ShouldBe("voice_unavailable");
        template.GetProperty("template").GetProperty("language").GetProperty("code").GetString().ShouldBe("en_US");
        template.TryGetProperty("text", out _).ShouldBeFalse();
        message.ProviderMessageId.ShouldBe(sends[1].AnsweredMessageId);
        host.App.Logs.Text.ShouldContain("WA_OUTBOX_TEMPLATE");
    }

    [Fact]
    public async Task Outside_the_24_hour_window_without_a_template_the_message_is_given_up_with_the_reason()
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.FailFirst(100, 400, 131047);
        await using var host = await OutboxHost.StartAsync(graph);
        var to = WhatsAppPayloads.NewWaId();

        var queued = await host.QueueAsync(to);
        var message = await host.WaitForOutcomeAsync(queued.Id);

        message.Status.ShouldBe(OutboxStatus.GivenUp);
        message.Kind.ShouldBe(OutboxMessageKind.Text);
        message.LastErrorCode.ShouldBe(131047);
        message.LastError.ShouldNotBeNull().ShouldContain("FallbackTemplate");
        graph.Sends(to).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Without_WhatsApp_sending_configured_the_dispatcher_sends_nothing_and_says_so_once()
    {
        await using var app = await EasyMoApp.StartAsync();
        var queued = await OutboxHost.QueueAsync(app, WhatsAppPayloads.NewWaId());

        await Task.Delay(300, Ct);

        (await OutboxHost.ReadAsync(app, queued.Id)).Status.ShouldBe(OutboxStatus.Pending);
        app.Logs.Lines.Count(line => line.Contains("WA_OUTBOX_NOT_CONFIGURED", StringComparison.Ordinal)).ShouldBe(1);
    }
}
