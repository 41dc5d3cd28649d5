using Mediator;

namespace EasyMo.Application.Features.Stats.GetCallStats;

/// <summary><c>GET /api/stats/calls?days=N</c>: the last N UTC calendar days, today included (N from 1 to 366, default 7).</summary>
public sealed record GetCallStatsQuery(string? Days = null) : IQuery<CallStatsReport>
{
    public const int DefaultDays = 7;
    public const int MaxDays = 366;

    public static bool TryParseDays(string? value, out int days)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            days = DefaultDays;
            return true;
        }

        return int.TryParse(value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out days)
            && days is >= 1 and <= MaxDays;
    }
}
