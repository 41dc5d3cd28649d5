using EasyMo.Domain.Messaging;
using EasyMo.IntegrationTests.WhatsApp;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.IntegrationTests.Outbox;

/// <summary>Several dispatchers on one database, and dispatchers that stop in the middle of a send.</summary>
public sealed class OutboxConcurrencyTests
{
    [Fact]
    public async Task Two_dispatchers_on_one_database_never_send_one_message_twice()
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.Responder = async (_, _) =>
        {
            await Task.Delay(Random.Shared.Next(1, 15));
            return GraphReply.Sent();
        };
        var fast = new Dictionary<string, string?> { ["Outbox:SweepInterval"] = "00:00:00.020", ["Outbox:BatchSize"] = "3" };
        await using var first = await OutboxHost.StartAsync(graph, fast);
        await using var second = await OutboxHost.StartAsync(graph, fast, first.App.ConnectionString, first.App.OpenAi, first.AccessToken);

        var recipients = Enumerable.Range(0, 40).Select(_ => WhatsAppPayloads.NewWaId()).Distinct().ToArray();
        var queued = new List<OutboxMessage>();
        foreach (var to in recipients)
        {
            queued.Add(await OutboxHost.QueueAsync(first.App, to));
        }

        foreach (var message in queued)
        {
            var sent = await first.WaitForOutcomeAsync(message.Id);
            sent.Status.ShouldBe(OutboxStatus.Sent);
            sent.Attempts.ShouldBe(1);
            sent.ProviderMessageId.ShouldBe(graph.Sends(message.Recipient).ShouldHaveSingleItem().AnsweredMessageId);
        }

        await Task.Delay(200, Ct);
        graph.Sends().Count.ShouldBe(recipients.Length);
        var logs = first.App.Logs.Text + second.App.Logs.Text;
        first.App.Logs.Text.ShouldContain("WA_OUTBOX_SENT");
        second.App.Logs.Text.ShouldContain("WA_OUTBOX_SENT"); // both took part
        logs.ShouldNotContain("WA_OUTBOX_LEASE_LOST");
    }

    [Fact]
    public async Task Two_dispatchers_with_clocks_five_minutes_apart_never_send_one_message_twice()
    {
        // Issue 12 (review M6): leases used to be set and compared on each instance's clock, so the one ahead saw the
        // other's leases as run out and sent their messages again. Now both are on the database's clock.
        await using var graph = await FakeGraph.StartAsync();
        graph.Responder = async (_, _) =>
        {
            await Task.Delay(300); // a send in flight for a while: the window in which the instance ahead would take it
            return GraphReply.Sent();
        };
        var fast = new Dictionary<string, string?> { ["Outbox:SweepInterval"] = "00:00:00.020", ["Outbox:BatchSize"] = "2" };
        await using var behind = await OutboxHost.StartAsync(graph, fast);
        await using var ahead = await OutboxHost.StartAsync(graph, fast, behind.App.ConnectionString, behind.App.OpenAi, behind.AccessToken,
            new SkewedClock(TimeSpan.FromMinutes(5)));

        var recipients = Enumerable.Range(0, 12).Select(_ => WhatsAppPayloads.NewWaId()).Distinct().ToArray();
        var queued = new List<OutboxMessage>();
        foreach (var to in recipients)
        {
            queued.Add(await OutboxHost.QueueAsync(behind.App, to));
        }

        foreach (var message in queued)
        {
            (await behind.WaitForOutcomeAsync(message.Id)).Status.ShouldBe(OutboxStatus.Sent);
        }

        await Task.Delay(1_000, Ct);
        graph.Sends().Count.ShouldBe(recipients.Length, "each message sent once");
        recipients.ShouldAllBe(to => graph.Sends(to).Count == 1);
    }

    [Theory]
    [InlineData(60)]
    [InlineData(-60)]
    public async Task A_retry_is_due_by_the_databases_clock_whatever_the_instances_clock_says(int minutesOff)
    {
        // A retry time set on the instance's own clock would be an hour late on an instance ahead (the message waits),
        // and already due on one behind (no backoff at all). It is set by the database's clock, which finds it due.
        await using var graph = await FakeGraph.StartAsync();
        graph.Responder = (_, attempt) => Task.FromResult(attempt == 1 ? GraphReply.Error(503, null) : GraphReply.Sent());
        await using var host = await OutboxHost.StartAsync(graph, new Dictionary<string, string?>
        {
            ["Outbox:BaseDelay"] = "00:00:01",
            ["Outbox:MaxDelay"] = "00:00:01",
        }, time: new SkewedClock(TimeSpan.FromMinutes(minutesOff)));
        var to = WhatsAppPayloads.NewWaId();

        var queued = await host.QueueAsync(to);
        await Poll.UntilAsync(() => graph.Sends(to).Count == 1, "the first send");
        await Task.Delay(200, Ct); // the retry is recorded
        var retrying = await OutboxHost.ReadAsync(host.App, queued.Id);
        await using (var db = host.App.Db())
        {
            var databaseNow = await db.Database.SqlQuery<DateTimeOffset>($"SELECT now() AS \"Value\"").SingleAsync(Ct);
            retrying.Status.ShouldBe(OutboxStatus.Pending);
            retrying.Attempts.ShouldBe(1);
            (retrying.NextAttemptAt - databaseNow).ShouldBeInRange(TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(1)); // backoff 0.5–1 s
        }

        var message = await host.WaitForOutcomeAsync(queued.Id);
        message.Status.ShouldBe(OutboxStatus.Sent);
        graph.Sends(to).Count.ShouldBe(2);
    }

    /// <summary>An instance's clock, <paramref name="offset"/> off the real one.</summary>
    private sealed class SkewedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }

    [Fact]
    public async Task A_message_claimed_by_a_dispatcher_that_stops_mid_send_is_sent_by_the_next_one_after_the_lease()
    {
        await using var graph = await FakeGraph.StartAsync();
        var hang = new TaskCompletionSource();
        graph.Responder = async (_, attempt) =>
        {
            if (attempt == 1)
            {
                await hang.Task; // the first instance never hears back
            }

            return GraphReply.Sent();
        };
        var slow = new Dictionary<string, string?> { ["WhatsApp:RequestTimeout"] = "00:00:00.500", ["Outbox:LeaseDuration"] = "00:00:02" };
        try
        {
            var first = await OutboxHost.StartAsync(graph, slow);
            var connectionString = first.App.ConnectionString;
            var to = WhatsAppPayloads.NewWaId();
            var queued = await first.QueueAsync(to);
            await Poll.UntilAsync(() => graph.Sends(to).Count == 1, "the first send");

            var stoppedAt = DateTimeOffset.UtcNow;
            await first.DisposeAsync(); // stops in the middle of the send: the row keeps the first instance's lease

            var leased = await OutboxHost.ReadAsync(first.App, queued.Id);
            leased.Status.ShouldBe(OutboxStatus.Pending);
            leased.Attempts.ShouldBe(0);
            leased.NextAttemptAt.ShouldBeGreaterThan(stoppedAt);

            await using var second = await OutboxHost.StartAsync(graph, slow, connectionString);
            var message = await second.WaitForOutcomeAsync(queued.Id);

            message.Status.ShouldBe(OutboxStatus.Sent);
            message.SentAt.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(leased.NextAttemptAt);
            var sends = graph.Sends(to);
            sends.Count.ShouldBe(2); // at least once: the first send's fate was unknown
            message.ProviderMessageId.ShouldBe(sends[1].AnsweredMessageId);
        }
        finally
        {
            hang.TrySetResult();
        }
    }
}
