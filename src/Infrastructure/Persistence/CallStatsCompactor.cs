using EasyMo.Application.Features.Calls;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// Every <c>Stats:RollupCompactInterval</c> (30 s by default; zero or less: never) rolls up the days that have closed
/// (<c>call_stats_compact(closed_before)</c>, migration <c>CallStatsRollup</c>): each newly closed day computed whole from
/// <c>calls</c>, and the watermark advanced, in one transaction. Nothing on the calls' own writes: the days from the
/// watermark on are read from <c>calls</c>. Instances may all run it: the function lets one through at a time (advisory
/// lock) and the others return; a stats read that finds the watermark behind compacts too.
/// </summary>
internal sealed class CallStatsCompactor(
    IServiceScopeFactory scopes, IConfiguration configuration, IOptions<CallHandlingOptions> calls, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after a day's last possible call has reached <c>Calls:MaxCallDuration</c> the day is closed: the monitor
    /// hangs a call up at that age and writes its end and waits in the same statement; the margin covers a monitor late
    /// by that much. A call still ringing or accepted on a closed day (the service was down) keeps its day computed again
    /// at each compaction until it ends.
    /// </summary>
    public static readonly TimeSpan Margin = TimeSpan.FromHours(1);

    /// <summary>The first day not closed at <paramref name="now"/>: the UTC day of now − the longest call − <see cref="Margin"/>.</summary>
    public static DateOnly ClosedBefore(DateTimeOffset now, TimeSpan maxCallDuration) =>
        DateOnly.FromDateTime((now - maxCallDuration - Margin).UtcDateTime);

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
                var closedBefore = ClosedBefore(time.GetUtcNow(), calls.Value.MaxCallDuration);
                await db.Database.ExecuteSqlAsync($"SELECT call_stats_compact({closedBefore})", stoppingToken);
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // Unreachable database: the next tick (or a stats read) rolls the closed days up.
            }
        }
    }
}
