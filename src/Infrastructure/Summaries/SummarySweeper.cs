using EasyMo.Application.Features.Calls;
using EasyMo.Application.Features.Calls.SummarizeCall;
using EasyMo.Domain.Calls;
using EasyMo.Infrastructure.Persistence;
using EasyMo.Infrastructure.Work;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyMo.Infrastructure.Summaries;

/// <summary>
/// Post-call summaries as a work of the <see cref="WorkRunner{TWork,TKey}"/>: ended calls whose summary is due are
/// claimed in batches under a lease (their <c>summary_due_at</c> pushed to its end, by the database's clock, so they are
/// due on no other instance meanwhile) and <see cref="SummarizeCallCommand"/> is sent for each. A call whose summary was
/// neither stored nor rescheduled (a crash, a stop, a database error) is due again when the lease ends.
/// </summary>
internal sealed partial class SummarySweeper(IOptions<SummaryOptions> options, ILogger<SummarySweeper> logger) : ILeasedWork<string>
{
    /// <summary>What a summary gets beyond its request timeout, for the database work around the request.</summary>
    private static readonly TimeSpan ItemMargin = TimeSpan.FromSeconds(1);

    public string Name => "summaries";

    public WorkSchedule Schedule => new(
        options.Value.SweepInterval, options.Value.BatchSize, Lease(options.Value), options.Value.RequestTimeout + ItemMargin,
        Parallelism: options.Value.Parallelism);

    public bool CanRun()
    {
        if (!options.Value.Enabled)
        {
            Disabled(logger);
            return false;
        }

        return true;
    }

    public Task<IReadOnlyList<WorkItem<string>>> ClaimAsync(IServiceProvider services, TimeSpan lease, int limit, CancellationToken cancellationToken) =>
        DueRows.ClaimAsync<string>(services.GetRequiredService<EasyMoDbContext>(), DueRows.Summaries, lease, limit, cancellationToken);

    public async Task ProcessAsync(IServiceProvider services, WorkItem<string> item, CancellationToken cancellationToken) =>
        await services.GetRequiredService<ISender>().Send(new SummarizeCallCommand(new OpenAiCallId(item.Key), item.DatabaseNow), cancellationToken);

    /// <summary>Long enough for a whole batch to be summarised one by one, each within its request timeout.</summary>
    internal static TimeSpan Lease(SummaryOptions settings) => (settings.RequestTimeout * settings.BatchSize) + TimeSpan.FromSeconds(30);

    [LoggerMessage(EventId = 1412, EventName = "CALL_SUMMARY_SWEEP_DISABLED", Level = LogLevel.Information,
        Message = "Call summaries are disabled on this instance (Summaries:Enabled = false)")]
    private static partial void Disabled(ILogger logger);
}
