using System.Globalization;

namespace EasyMo.Bench;

/// <summary>
/// Reads what the load generator needs from a Prometheus text exposition (the service's <c>GET /metrics</c>): a gauge or
/// counter summed over its series, and a histogram's cumulative buckets summed over its series, by <c>le</c>.
/// </summary>
public static class PrometheusText
{
    /// <summary>The sum of every series of <paramref name="name"/> (whatever its labels); null when there is none.</summary>
    public static double? Sum(string text, string name)
    {
        double? sum = null;
        foreach (var (labels, value) in Series(text, name))
        {
            _ = labels;
            sum = (sum ?? 0) + value;
        }

        return sum;
    }

    /// <summary>
    /// The cumulative buckets of histogram <paramref name="name"/> (<c>{name}_bucket{le="…"}</c>) summed over its other
    /// labels, by upper bound (+Inf included); empty when the histogram is not exported.
    /// </summary>
    public static SortedDictionary<double, double> Buckets(string text, string name)
    {
        var buckets = new SortedDictionary<double, double>();
        foreach (var (labels, value) in Series(text, name + "_bucket"))
        {
            if (Label(labels, "le") is { } le && ParseDouble(le) is { } bound)
            {
                buckets[bound] = buckets.GetValueOrDefault(bound) + value;
            }
        }

        return buckets;
    }

    /// <summary>Bucket counts of <paramref name="after"/> minus those of <paramref name="before"/> (a histogram over an interval).</summary>
    public static SortedDictionary<double, double> Delta(SortedDictionary<double, double> after, SortedDictionary<double, double> before)
    {
        var delta = new SortedDictionary<double, double>();
        foreach (var (bound, count) in after)
        {
            delta[bound] = Math.Max(0, count - before.GetValueOrDefault(bound));
        }

        return delta;
    }

    /// <summary>
    /// The <paramref name="q"/>-quantile of cumulative <paramref name="buckets"/>, interpolated linearly inside the bucket
    /// it falls in, as PromQL's <c>histogram_quantile</c> does (the first bucket starts at 0; a quantile in the +Inf bucket
    /// is the highest finite bound). Null when the histogram counted nothing.
    /// </summary>
    public static double? Quantile(SortedDictionary<double, double> buckets, double q)
    {
        if (buckets.Count == 0 || !buckets.TryGetValue(double.PositiveInfinity, out var total) || total <= 0)
        {
            return null;
        }

        var rank = q * total;
        double lowerBound = 0, lowerCount = 0;
        foreach (var (bound, count) in buckets)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(bound))
                {
                    return lowerBound;
                }

                return count - lowerCount <= 0 ? bound : lowerBound + ((bound - lowerBound) * (rank - lowerCount) / (count - lowerCount));
            }

            lowerBound = bound;
            lowerCount = count;
        }

        return lowerBound;
    }

    /// <summary>The labels (raw, between the braces) and value of every sample line of exactly <paramref name="name"/>.</summary>
    private static IEnumerable<(string Labels, double Value)> Series(string text, string name)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length <= name.Length || line[0] == '#' || !line.StartsWith(name, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line.AsSpan(name.Length);
            var labels = string.Empty;
            if (rest[0] == '{')
            {
                var close = rest.LastIndexOf('}');
                if (close < 0)
                {
                    continue;
                }

                labels = rest[1..close].ToString();
                rest = rest[(close + 1)..];
            }
            else if (rest[0] != ' ')
            {
                continue; // another metric whose name starts with this one
            }

            var fields = rest.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && ParseDouble(fields[0]) is { } value)
            {
                yield return (labels, value);
            }
        }
    }

    private static string? Label(string labels, string name)
    {
        var marker = name + "=\"";
        var at = labels.IndexOf(marker, StringComparison.Ordinal);
        while (at > 0 && labels[at - 1] is not (',' or ' '))
        {
            at = labels.IndexOf(marker, at + 1, StringComparison.Ordinal);
        }

        if (at < 0)
        {
            return null;
        }

        var start = at + marker.Length;
        var end = labels.IndexOf('"', start);
        return end < 0 ? null : labels[start..end];
    }

    private static double? ParseDouble(string text) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null,
    };
}
