using System.Collections.Concurrent;
using System.Diagnostics;
using EasyMo.Infrastructure.Work;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace EasyMo.UnitTests.Work;

/// <summary>
/// The one runner every background work shares (issue 12): whatever one item does — stall, throw, outlive the lease — the
/// others are done, and the loop goes on. The work here is a script of items; what the runner does with them is real.
/// </summary>
public sealed class WorkRunnerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 10_000)] // without its deadline, the stalled item would hold the sweep for good
    public async Task An_item_that_stalls_is_stopped_at_its_deadline_and_the_next_one_is_done()
    {
        var work = new ScriptedWork(new WorkSchedule(TimeSpan.FromMilliseconds(50), 10, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(300)))
        {
            Batches = { new[] { "stalls", "next" } },
            Act = async (key, token) =>
            {
                if (key == "stalls")
                {
                    await Task.Delay(Timeout.Infinite, token); // a peer that never sends the rest of its body
                }
            },
        };
        var (runner, logs) = Runner(work);

        var started = Stopwatch.GetTimestamp();
        (await runner.SweepAsync(Ct)).ShouldBe(2);

        work.Done.ShouldBe(["next"]);
        work.Cancelled.ShouldBe(["stalls"]);
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(TimeSpan.FromSeconds(3));
        logs.GetSnapshot().Single(record => record.Id.Name == "WORK_ITEM_TIMED_OUT").Message.ShouldContain("stalls");
    }

    [Fact]
    public async Task An_item_that_fails_costs_only_itself()
    {
        var work = new ScriptedWork(new WorkSchedule(TimeSpan.FromMilliseconds(50), 10, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1)))
        {
            Batches = { new[] { "a", "fails", "b" } },
            Act = (key, _) => key == "fails" ? throw new InvalidOperationException("a database error, say") : Task.CompletedTask,
        };
        var (runner, logs) = Runner(work);

        await runner.SweepAsync(Ct);

        work.Done.ShouldBe(["a", "b"]);
        logs.GetSnapshot().Single(record => record.Id.Name == "WORK_ITEM_FAILED").Message.ShouldContain("InvalidOperationException");
    }

    [Fact]
    public async Task No_item_is_started_with_less_of_the_lease_left_than_its_deadline()
    {
        // A lease of 2 s, items of up to 800 ms that take 700 ms: the third would start with at most 600 ms left and could
        // outlive the lease, when another instance may take it. (The second starts with 1.3 s left, or with 0.8 s if the
        // first overran by half a second on a busy machine.)
        var work = new ScriptedWork(new WorkSchedule(TimeSpan.FromMilliseconds(50), 4, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(800)))
        {
            Batches = { new[] { "1", "2", "3", "4" } },
            Act = (_, token) => Task.Delay(700, token),
        };
        var (runner, logs) = Runner(work);

        await runner.SweepAsync(Ct);

        work.Done.ShouldBe(["1", "2"]);
        logs.GetSnapshot().Single(record => record.Id.Name == "WORK_LEASE_RUNNING_OUT").Message.ShouldContain("last 2 items");
    }

    [Fact]
    public async Task A_sweep_takes_batch_after_batch_until_fewer_than_a_batch_are_due()
    {
        var work = new ScriptedWork(new WorkSchedule(TimeSpan.FromMilliseconds(50), 2, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1)))
        {
            Batches = { new[] { "1", "2" }, new[] { "3", "4" }, new[] { "5" }, new[] { "6" } },
        };
        var (runner, _) = Runner(work);

        (await runner.SweepAsync(Ct)).ShouldBe(5);

        work.Done.ShouldBe(["1", "2", "3", "4", "5"]); // "6" waits for the next sweep
        work.Limits.ShouldAllBe(limit => limit == 2);
    }

    [Fact(Timeout = 10_000)] // one at a time, the first item would wait for ever for the others to start
    public async Task With_a_parallelism_of_four_four_items_are_in_flight_at_once_and_a_stalled_one_holds_up_no_other()
    {
        // Items that each wait until four are running: only done if the runner keeps four in flight. Then one that stalls
        // to its deadline while the rest of the batch goes on in the other lanes.
        var inFlight = 0;
        var four = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var work = new ScriptedWork(new WorkSchedule(TimeSpan.FromMilliseconds(50), 9, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1), Parallelism: 4))
        {
            Batches = { new[] { "a", "b", "c", "d", "stalls", "e", "f", "g", "h" } },
            Act = async (key, token) =>
            {
                if (key == "stalls")
                {
                    await Task.Delay(Timeout.Infinite, token);
                }

                if (Interlocked.Increment(ref inFlight) == 4)
                {
                    four.TrySetResult();
                }

                await four.Task.WaitAsync(token);
            },
        };
        var (runner, _) = Runner(work);

        var started = Stopwatch.GetTimestamp();
        (await runner.SweepAsync(Ct)).ShouldBe(9);

        work.Done.Order().ShouldBe(["a", "b", "c", "d", "e", "f", "g", "h"]);
        work.Cancelled.ShouldBe(["stalls"]);
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(TimeSpan.FromSeconds(3), "the stalled item cost its own lane one deadline, not the batch");
    }

    [Fact]
    public async Task A_periodic_job_runs_once_a_sweep_though_its_item_is_always_due()
    {
        // A singleton job (retention) claims its one item whenever its lease is free, which is right after each run: a
        // sweep that drained would run it again and again, back to back.
        var work = new ScriptedWork(new WorkSchedule(TimeSpan.FromMilliseconds(50), 1, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1), Drain: false))
        {
            Batches = { new[] { "run 1" }, new[] { "run 2" }, new[] { "run 3" } },
        };
        var (runner, _) = Runner(work);

        (await runner.SweepAsync(Ct)).ShouldBe(1);

        work.Done.ShouldBe(["run 1"]);
    }

    [Fact]
    public async Task A_claim_that_fails_is_tried_again_at_the_next_sweep()
    {
        var work = new ScriptedWork(new WorkSchedule(TimeSpan.FromMilliseconds(50), 10, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1)))
        {
            Batches = { null, new[] { "after the outage" } }, // null: the database is away
        };
        var (runner, logs) = Runner(work);

        await runner.StartAsync(Ct);
        try
        {
            await work.WaitForAsync("after the outage");
        }
        finally
        {
            await runner.StopAsync(CancellationToken.None);
        }

        logs.GetSnapshot().ShouldContain(record => record.Id.Name == "WORK_SWEEP_FAILED");
    }

    [Fact]
    public async Task A_work_whose_lease_is_not_longer_than_an_items_deadline_does_not_run()
    {
        var work = new ScriptedWork(new WorkSchedule(TimeSpan.FromMilliseconds(50), 10, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)))
        {
            Batches = { new[] { "never" } },
        };
        var (runner, logs) = Runner(work);

        await runner.StartAsync(Ct);
        await Task.Delay(300, Ct);
        await runner.StopAsync(CancellationToken.None);

        work.Limits.ShouldBeEmpty();
        logs.GetSnapshot().ShouldContain(record => record.Id.Name == "WORK_LEASE_TOO_SHORT");
    }

    [Fact]
    public void The_database_time_of_an_item_follows_its_lease_not_the_instances_clock()
    {
        var leaseUntil = new DateTimeOffset(2026, 11, 30, 12, 0, 30, TimeSpan.Zero); // the database's now() was 12:00:00
        var item = new WorkItem<string>("x", leaseUntil, TimeSpan.FromSeconds(30), Stopwatch.GetTimestamp());

        (item.DatabaseNow - leaseUntil.AddSeconds(-30)).ShouldBeInRange(TimeSpan.Zero, TimeSpan.FromSeconds(1));
        item.Left.ShouldBeInRange(TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(30));
    }

    private static (WorkRunner<ScriptedWork, string> Runner, FakeLogCollector Logs) Runner(ScriptedWork work)
    {
        var services = new ServiceCollection().BuildServiceProvider();
        var logger = new FakeLogger<WorkRunner<ScriptedWork, string>>();
        var runner = new WorkRunner<ScriptedWork, string>(work, services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System, logger);
        return (runner, logger.Collector);
    }

    /// <summary>A work whose claims hand out <see cref="Batches"/> in turn and whose items run <see cref="Act"/>.</summary>
    internal sealed class ScriptedWork(WorkSchedule schedule) : ILeasedWork<string>
    {
        private readonly ConcurrentQueue<string> _done = new();
        private readonly ConcurrentQueue<string> _cancelled = new();
        private int _claims;

        public List<string[]?> Batches { get; } = [];

        public Func<string, CancellationToken, Task> Act { get; init; } = (_, _) => Task.CompletedTask;

        public ConcurrentQueue<int> Limits { get; } = new();

        public string[] Done => [.. _done];

        public string[] Cancelled => [.. _cancelled];

        public string Name => "scripted";

        public WorkSchedule Schedule { get; } = schedule;

        public bool CanRun() => true;

        public Task<IReadOnlyList<WorkItem<string>>> ClaimAsync(IServiceProvider services, TimeSpan lease, int limit, CancellationToken cancellationToken)
        {
            Limits.Enqueue(limit);
            var claimedAt = Stopwatch.GetTimestamp();
            var turn = Interlocked.Increment(ref _claims) - 1;
            if (turn >= Batches.Count)
            {
                return Task.FromResult<IReadOnlyList<WorkItem<string>>>([]);
            }

            var batch = Batches[turn] ?? throw new TimeoutException("the database is away");
            return Task.FromResult<IReadOnlyList<WorkItem<string>>>(
                [.. batch.Select(key => new WorkItem<string>(key, DateTimeOffset.UtcNow + lease, lease, claimedAt))]);
        }

        public async Task ProcessAsync(IServiceProvider services, WorkItem<string> item, CancellationToken cancellationToken)
        {
            try
            {
                await Act(item.Key, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                _cancelled.Enqueue(item.Key);
                throw;
            }

            _done.Enqueue(item.Key);
        }

        public async Task WaitForAsync(string key)
        {
            var deadline = Stopwatch.GetTimestamp();
            while (!_done.Contains(key))
            {
                if (Stopwatch.GetElapsedTime(deadline) > TimeSpan.FromSeconds(10))
                {
                    throw new TimeoutException($"{key} was not done in time.");
                }

                await Task.Delay(20);
            }
        }
    }
}
