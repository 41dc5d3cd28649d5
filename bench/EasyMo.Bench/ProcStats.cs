using System.Globalization;

namespace EasyMo.Bench;

/// <summary>Linux /proc readings: peak resident memory of a process, CPU time of a process tree, and of the machine.</summary>
public static class ProcStats
{
    /// <summary>USER_HZ: the unit of /proc/*/stat times; 100 on every Linux this runs on.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>Resets VmHWM (the peak RSS) of <paramref name="pid"/> to its current RSS. False when not allowed.</summary>
    public static bool ResetPeakRss(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>VmHWM and VmRSS of <paramref name="pid"/>, in KiB; null when the process is gone.</summary>
    public static (long PeakKiB, long RssKiB)? Memory(int pid)
    {
        try
        {
            long peak = 0, rss = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = ParseKiB(line);
                }
                else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = ParseKiB(line);
                }
            }

            return (peak, rss);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// User + system CPU seconds of <paramref name="pid"/> and all of its living descendants (PostgreSQL's backends are
    /// children of the postmaster), including the reaped children they waited for.
    /// </summary>
    public static double TreeCpuSeconds(int pid)
    {
        var parents = new Dictionary<int, int>();
        var ticks = new Dictionary<int, long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                continue;
            }

            if (ReadStat(id) is { } stat)
            {
                parents[id] = stat.Parent;
                ticks[id] = stat.Ticks;
            }
        }

        long total = 0;
        foreach (var (id, value) in ticks)
        {
            for (var current = id; current > 1; current = parents.GetValueOrDefault(current))
            {
                if (current == pid)
                {
                    total += value;
                    break;
                }
            }
        }

        return total / TicksPerSecond;
    }

    /// <summary>
    /// The machine's jiffies (all cores) from the first line of /proc/stat: user nice system idle iowait irq softirq steal.
    /// </summary>
    public static long[] MachineJiffies()
    {
        var line = File.ReadLines("/proc/stat").First();
        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(field => long.Parse(field, CultureInfo.InvariantCulture)).ToArray();
    }

    private static (int Parent, long Ticks)? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // pid (comm) state ppid … utime(14) stime(15) cutime(16) cstime(17): comm may hold spaces, so split after ')'.
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = text[(close + 2)..].Split(' ');
        var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
            + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        return (parent, ticks);
    }

    private static long ParseKiB(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
