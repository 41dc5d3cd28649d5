using EasyMo.Domain.Calls;
using System.Net;
using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;
using EasyMo.Infrastructure.WhatsApp;
using EasyMo.Infrastructure.Work;

namespace EasyMo.UnitTests.Domain;

public sealed class OutboxMessageTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private static OutboxMessage NewMessage() =>
        OutboxMessage.CallFallback(new OpenAiCallId("rtc_1"), PhoneNumber.Parse("+250788123456"), Language.English, "Hello", T0);

    [Fact]
    public void A_queued_message_is_a_pending_text_due_now()
    {
        var message = NewMessage();

        message.Status.ShouldBe(OutboxStatus.Pending);
        message.Kind.ShouldBe(OutboxMessageKind.Text);
        message.NextAttemptAt.ShouldBe(T0);
        message.Attempts.ShouldBe(0);
    }

    [Fact]
    public void Each_outcome_counts_an_attempt_and_a_finished_message_cannot_change()
    {
        var message = NewMessage();

        message.RetryAt(T0.AddSeconds(30), 130429, "rate limit hit", T0);
        message.SwitchToTemplate("voice_unavailable", "en", 131047, T0.AddSeconds(30));
        message.MarkSent("wamid.X", T0.AddSeconds(31));

        message.Attempts.ShouldBe(3);
        message.Status.ShouldBe(OutboxStatus.Sent);
        message.Kind.ShouldBe(OutboxMessageKind.Template);
        message.ProviderMessageId.ShouldBe("wamid.X");
        message.SentAt.ShouldBe(T0.AddSeconds(31));
        Should.Throw<DomainException>(() => message.GiveUp(null, "late", T0.AddMinutes(1)));
        Should.Throw<DomainException>(() => message.MarkSent("wamid.Y", T0.AddMinutes(1)));
    }

    [Fact]
    public void A_template_does_not_switch_again()
    {
        var message = NewMessage();
        message.SwitchToTemplate("voice_unavailable", "en", 131047, T0);

        Should.Throw<DomainException>(() => message.SwitchToTemplate("voice_unavailable", "en", 131047, T0));
    }

    [Theory]
    [InlineData(new[] { OutboxDeliveryStatus.Sent, OutboxDeliveryStatus.Delivered, OutboxDeliveryStatus.Read }, OutboxDeliveryStatus.Read)]
    [InlineData(new[] { OutboxDeliveryStatus.Read, OutboxDeliveryStatus.Delivered, OutboxDeliveryStatus.Sent }, OutboxDeliveryStatus.Read)]
    [InlineData(new[] { OutboxDeliveryStatus.Sent, OutboxDeliveryStatus.Failed }, OutboxDeliveryStatus.Failed)]
    [InlineData(new[] { OutboxDeliveryStatus.Delivered, OutboxDeliveryStatus.Failed }, OutboxDeliveryStatus.Delivered)]
    [InlineData(new[] { OutboxDeliveryStatus.Failed, OutboxDeliveryStatus.Sent }, OutboxDeliveryStatus.Failed)]
    public void Delivery_statuses_never_move_backwards(OutboxDeliveryStatus[] statuses, OutboxDeliveryStatus expected)
    {
        var message = NewMessage();
        message.MarkSent("wamid.X", T0);

        foreach (var status in statuses)
        {
            message.ApplyDeliveryStatus(status, T0.AddMinutes(1));
        }

        message.DeliveryStatus.ShouldBe(expected);
    }

    [Theory]
    [InlineData(429, 130429, "Retry")]
    [InlineData(400, 131056, "Retry")]
    [InlineData(500, null, "Retry")]
    [InlineData(503, 131000, "Retry")]
    [InlineData(408, null, "Retry")]
    [InlineData(400, 131026, "GiveUp")]
    [InlineData(400, 131047, "OutsideWindow")]
    [InlineData(400, 100, "GiveUp")]
    [InlineData(401, 190, "GiveUp")]
    [InlineData(404, null, "GiveUp")]
    public void Graph_errors_are_classified_by_code_then_by_HTTP_status(int status, int? code, string expected)
    {
        var error = code is null ? null : new GraphError("x", "OAuthException", code, null, null, null);

        WhatsAppGraphClient.Classify((HttpStatusCode)status, error).Outcome.ToString().ShouldBe(expected);
    }

    [Fact]
    public void Backoff_doubles_with_jitter_and_stays_under_the_cap()
    {
        var options = new OutboxOptions { BaseDelay = TimeSpan.FromSeconds(10), MaxDelay = TimeSpan.FromMinutes(1) };

        for (var i = 0; i < 50; i++)
        {
            RetryBackoff.After(1, options.BaseDelay, options.MaxDelay).ShouldBeInRange(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15));
            RetryBackoff.After(2, options.BaseDelay, options.MaxDelay).ShouldBeInRange(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));
            RetryBackoff.After(20, options.BaseDelay, options.MaxDelay).ShouldBeLessThanOrEqualTo(TimeSpan.FromMinutes(1));
        }
    }
}
