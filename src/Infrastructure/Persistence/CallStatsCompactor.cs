using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// Every <c>Stats:RollupCompactInterval</c> (30 s by default; zero or less: never) folds the stats roll-up's pending deltas,
/// which the triggers on <c>calls</c> and <c>outbox_messages</c> append, into its daily tables
/// (<c>call_stats_compact()</c>, migration <c>CallStatsRollup</c>), so that a stats read sums a year of daily rows and a
/// few seconds of deltas. Instances may all run it: the function lets one through at a time and the others return.
/// </summary>
internal sealed class CallStatsCompactor(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Stats:RollupCompactInterval", DefaultInterval);
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<EasyMoDbContext>();
                await db.Database.ExecuteSqlRawAsync("SELECT call_stats_compact()", stoppingToken);
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // Unreachable database: the deltas wait for the next tick (a stats read folds them too).
            }
        }
    }
}
