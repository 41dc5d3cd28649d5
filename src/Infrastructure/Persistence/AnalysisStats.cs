using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Features.Stats.GetCallStats;
using EasyMo.Domain.Calls;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// The analyses' figures in one aggregate statement over the range's calls (<c>received_at</c>, as the other stats),
/// grouped by day, by service and by sentiment at once. Apart from <see cref="AdminQueries"/> so that it can move to a
/// daily roll-up on its own.
/// </summary>
internal sealed class AnalysisStats(EasyMoDbContext db) : IAnalysisStats
{
    /// <summary>One row per (day), (service) and (sentiment) group: its kind, key, and the outcome counts.</summary>
    internal const string Sql = """
        SELECT CASE WHEN GROUPING(day) = 0 THEN 'day' WHEN GROUPING(analysis_service) = 0 THEN 'service' ELSE 'sentiment' END AS kind,
               day, analysis_service, analysis_sentiment,
               count(*)::int,
               count(*) FILTER (WHERE analysis_outcome = 'resolved')::int,
               count(*) FILTER (WHERE analysis_outcome = 'follow_up')::int,
               count(*) FILTER (WHERE analysis_outcome = 'not_resolved')::int
        FROM (
            SELECT (received_at AT TIME ZONE 'UTC')::date AS day, analysis_service, analysis_sentiment, analysis_outcome
            FROM calls
            WHERE received_at >= @from AND received_at < @to AND analysis_status = 'done' AND analysis_outcome IS NOT NULL
        ) analysed
        GROUP BY GROUPING SETS ((day), (analysis_service), (analysis_sentiment))
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
            command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = new DateTimeOffset(firstDay, TimeOnly.MinValue, TimeSpan.Zero) });
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
