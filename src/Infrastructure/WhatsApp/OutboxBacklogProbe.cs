using EasyMo.Application.Common.Metrics;
using EasyMo.Domain.Messaging;
using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EasyMo.Infrastructure.WhatsApp;

/// <summary>
/// Counts pending outbox messages every <c>Metrics:OutboxBacklogInterval</c> (15 s by default) for the
/// <c>easymo_outbox_backlog</c> gauge: one cheap query per interval however often <c>/metrics</c> is scraped.
/// </summary>
internal sealed class OutboxBacklogProbe(IServiceScopeFactory scopes, IConfiguration configuration, EasyMoMetrics metrics, TimeProvider time)
    : BackgroundService
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Metrics:OutboxBacklogInterval", DefaultInterval);
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<EasyMoDbContext>();
                metrics.OutboxBacklogCounted(await db.OutboxMessages.AsNoTracking().LongCountAsync(message => message.Status == OutboxStatus.Pending, stoppingToken));
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException or DbUpdateException)
            {
                // Unreachable database: the gauge keeps its last value; readiness reports the outage.
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
