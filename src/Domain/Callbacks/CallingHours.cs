namespace EasyMo.Domain.Callbacks;

/// <summary>
/// The hours of the caller's own day in which a call back may ring: from <see cref="Start"/> (inclusive) to
/// <see cref="End"/> (exclusive), in their time zone. A start after the end spans midnight.
/// </summary>
public sealed record CallingHours(TimeOnly Start, TimeOnly End)
{
    /// <summary>Whether <paramref name="at"/> falls in the hours, on the clock of <paramref name="zone"/>.</summary>
    public bool Contain(DateTimeOffset at, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        return Start <= End ? local >= Start && local < End : local >= Start || local < End;
    }

    public override string ToString() => $"{Start:HH\\:mm}-{End:HH\\:mm}";
}
