using EasyMo.Application.Features.Calls;
using EasyMo.Application.Features.Calls.AnalyzeCall;
using EasyMo.Domain.Calls;
using EasyMo.Infrastructure.Persistence;
using EasyMo.Infrastructure.Work;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EasyMo.Infrastructure.Summaries;

/// <summary>
/// Post-call analyses as a work of their own, scheduled like the summaries (same settings, same lease) but claimed by
/// their own due column (<c>analysis_due_at</c>), so that a failing analysis never holds up a summary, nor the other way
/// round. <see cref="AnalyzeCallCommand"/> is sent for each claimed call.
/// </summary>
internal sealed class AnalysisSweeper(IOptions<SummaryOptions> options) : ILeasedWork<string>
{
    private static readonly TimeSpan ItemMargin = TimeSpan.FromSeconds(1);

    public string Name => "analyses";

    public WorkSchedule Schedule => new(
        options.Value.SweepInterval, options.Value.BatchSize, SummarySweeper.Lease(options.Value), options.Value.RequestTimeout + ItemMargin,
        Parallelism: options.Value.Parallelism);

    /// <summary>On with the summaries (<c>Summaries:Enabled</c>); the summary sweeper logs when they are off.</summary>
    public bool CanRun() => options.Value.Enabled;

    public Task<IReadOnlyList<WorkItem<string>>> ClaimAsync(IServiceProvider services, TimeSpan lease, int limit, CancellationToken cancellationToken) =>
        DueRows.ClaimAsync<string>(services.GetRequiredService<EasyMoDbContext>(), DueRows.Analyses, lease, limit, cancellationToken);

    public async Task ProcessAsync(IServiceProvider services, WorkItem<string> item, CancellationToken cancellationToken) =>
        await services.GetRequiredService<ISender>().Send(new AnalyzeCallCommand(new OpenAiCallId(item.Key), item.DatabaseNow), cancellationToken);
}
