using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Features.Stats.GetCallStats;
using EasyMo.Domain.Calls;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// The analyses' figures in one aggregate statement over the range's calls (<c>received_at</c>, as the other stats),
/// grouped by day, by service and by sentiment at once: closed days from the daily roll-up, the others from
/// <c>calls</c>. Apart from <see cref="AdminQueries"/>, which compacts the roll-up first when it is behind.
/// </summary>
internal sealed class AnalysisStats(EasyMoDbContext db) : IAnalysisStats
{
    /// <summary>
    /// One row per (day), (service) and (sentiment) group: its kind, key, and the outcome counts. The days before the
    /// roll-up's watermark come from <c>call_stats_analysis</c> (migration <c>CallAnalysisRollup</c>), the others from
    /// <c>calls</c>, split at the same day as the other stats (the watermark, within the range).
    /// </summary>
    internal const string Sql = """
        WITH split AS MATERIALIZED (
            SELECT LEAST(GREATEST(COALESCE(rolled_up_before, @first_day), @first_day), @end_day) AS day FROM call_stats_state
        ),
        analysed AS (
            SELECT a.day, a.service, a.sentiment, a.outcome, a.calls
            FROM call_stats_analysis a
            WHERE a.day >= @first_day AND a.day < (SELECT day FROM split)
            UNION ALL
            SELECT (received_at AT TIME ZONE 'UTC')::date, analysis_service, analysis_sentiment, analysis_outcome, 1
            FROM calls
            WHERE received_at >= (SELECT day FROM split)::timestamp AT TIME ZONE 'UTC' AND received_at < @to
              AND analysis_status = 'done' AND analysis_outcome IS NOT NULL
        )
        SELECT CASE WHEN GROUPING(day) = 0 THEN 'day' WHEN GROUPING(service) = 0 THEN 'service' ELSE 'sentiment' END AS kind,
               day, service, sentiment,
               sum(calls)::int,
               COALESCE(sum(calls) FILTER (WHERE outcome = 'resolved'), 0)::int,
               COALESCE(sum(calls) FILTER (WHERE outcome = 'follow_up'), 0)::int,
               COALESCE(sum(calls) FILTER (WHERE outcome = 'not_resolved'), 0)::int
        FROM analysed
        GROUP BY GROUPING SETS ((day), (service), (sentiment))
        """;

    public async Task<AnalysisFigures> GetAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        var days = new List<DayResolution>();
        var services = new List<ServiceResolution>();
        var sentiments = CallAnalysis.Sentiments.ToDictionary(name => name, _ => 0, StringComparer.Ordinal);
        try
        {
            await using var command = new NpgsqlCommand(Sql, connection);
            command.Parameters.Add(new NpgsqlParameter("first_day", NpgsqlDbType.Date) { Value = firstDay });
            command.Parameters.Add(new NpgsqlParameter("end_day", NpgsqlDbType.Date) { Value = lastDay.AddDays(1) });
            command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = new DateTimeOffset(lastDay.AddDays(1), TimeOnly.MinValue, TimeSpan.Zero) });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var (total, resolved, followUp, notResolved) = (reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7));
                switch (reader.GetString(0))
                {
                    case "day":
                        days.Add(new DayResolution(reader.GetFieldValue<DateOnly>(1), total, resolved, followUp, notResolved, Rate(resolved, total)));
                        break;
                    case "service" when !reader.IsDBNull(2):
                        services.Add(new ServiceResolution(reader.GetString(2), total, resolved, followUp, notResolved, Rate(resolved, total)));
                        break;
                    case "sentiment" when !reader.IsDBNull(3) && sentiments.ContainsKey(reader.GetString(3)):
                        sentiments[reader.GetString(3)] = total;
                        break;
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        var analysed = days.Sum(day => day.Analysed);
        return new AnalysisFigures(
            analysed,
            Rate(days.Sum(day => day.Resolved), analysed),
            [.. days.OrderBy(day => day.Date)],
            [.. services.OrderByDescending(service => service.Analysed).ThenBy(service => service.Service, StringComparer.Ordinal)],
            sentiments);
    }

    private static double Rate(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
}
