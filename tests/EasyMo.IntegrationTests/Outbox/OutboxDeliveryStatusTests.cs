using EasyMo.Domain.Messaging;
using EasyMo.IntegrationTests.WhatsApp;

namespace EasyMo.IntegrationTests.Outbox;

/// <summary>Meta's <c>statuses</c> webhooks of sent messages update the outbox record found by WhatsApp's message id.</summary>
public sealed class OutboxDeliveryStatusTests
{
    [Fact]
    public async Task Statuses_update_the_sent_message_and_never_move_it_backwards()
    {
        await using var graph = await FakeGraph.StartAsync();
        await using var host = await OutboxHost.StartAsync(graph);
        var to = WhatsAppPayloads.NewWaId();
        var sent = await host.WaitForOutcomeAsync((await host.QueueAsync(to)).Id);
        var wamid = sent.ProviderMessageId.ShouldNotBeNull();
        sent.DeliveryStatus.ShouldBeNull();

        (await host.PostStatusAsync(wamid, to, "sent")).Recorded.ShouldBe(1);
        (await OutboxHost.ReadAsync(host.App, sent.Id)).DeliveryStatus.ShouldBe(OutboxDeliveryStatus.Sent);

        (await host.PostStatusAsync(wamid, to, "read")).Recorded.ShouldBe(1); // read overtook delivered
        (await OutboxHost.ReadAsync(host.App, sent.Id)).DeliveryStatus.ShouldBe(OutboxDeliveryStatus.Read);

        (await host.PostStatusAsync(wamid, to, "delivered")).Recorded.ShouldBe(1);
        (await host.PostStatusAsync(wamid, to, "failed")).Recorded.ShouldBe(1);
        (await host.PostStatusAsync(wamid, to, "read")).Duplicates.ShouldBe(1);

        var message = await OutboxHost.ReadAsync(host.App, sent.Id);
        message.DeliveryStatus.ShouldBe(OutboxDeliveryStatus.Read);
        message.DeliveryStatusAt.ShouldNotBeNull();
        message.Status.ShouldBe(OutboxStatus.Sent);
        message.ProviderMessageId.ShouldBe(wamid);
        host.App.Logs.Text.ShouldContain("WA_MESSAGE_DELIVERY");
    }

    [Fact]
    public async Task Delivered_follows_sent_and_failed_replaces_only_sent()
    {
        await using var graph = await FakeGraph.StartAsync();
        await using var host = await OutboxHost.StartAsync(graph);
        var first = WhatsAppPayloads.NewWaId();
        var second = WhatsAppPayloads.NewWaId();
        var delivered = await host.WaitForOutcomeAsync((await host.QueueAsync(first)).Id);
        var failed = await host.WaitForOutcomeAsync((await host.QueueAsync(second)).Id);

        await host.PostStatusAsync(delivered.ProviderMessageId!, first, "sent");
        await host.PostStatusAsync(delivered.ProviderMessageId!, first, "delivered");
        await host.PostStatusAsync(delivered.ProviderMessageId!, first, "failed");
        await host.PostStatusAsync(failed.ProviderMessageId!, second, "sent");
        await host.PostStatusAsync(failed.ProviderMessageId!, second, "failed");

        (await OutboxHost.ReadAsync(host.App, delivered.Id)).DeliveryStatus.ShouldBe(OutboxDeliveryStatus.Delivered);
        (await OutboxHost.ReadAsync(host.App, failed.Id)).DeliveryStatus.ShouldBe(OutboxDeliveryStatus.Failed);
    }

    [Fact]
    public async Task A_status_of_a_message_the_outbox_did_not_send_is_only_recorded()
    {
        await using var graph = await FakeGraph.StartAsync();
        await using var host = await OutboxHost.StartAsync(graph);
        var to = WhatsAppPayloads.NewWaId();
        var sent = await host.WaitForOutcomeAsync((await host.QueueAsync(to)).Id);

        (await host.PostStatusAsync("wamid.SOMEONE_ELSES", to, "delivered")).Recorded.ShouldBe(1);

        (await OutboxHost.ReadAsync(host.App, sent.Id)).DeliveryStatus.ShouldBeNull();
    }
}
