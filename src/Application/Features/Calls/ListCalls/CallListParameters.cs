using System.Buffers.Text;
using System.Globalization;
using System.Text;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;

namespace EasyMo.Application.Features.Calls.ListCalls;

/// <summary>Parsing of the list's query values, shared by the validator (which says why) and the handler (which uses them).</summary>
public static class CallListParameters
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static readonly string[] Statuses = StateNames.All<CallStatus>();
    public static readonly string[] Channels = [.. CallChannels.Names];
    public static readonly string[] Identities = StateNames.All<CallerIdentity>();
    public static readonly string[] Languages = [.. Language.All.Select(language => language.Code)];
    public static readonly string[] Outcomes = [.. CallAnalysis.Outcomes];
    public static readonly string[] Services = [.. EasyMoServices.All];
    public static readonly string[] Sentiments = [.. CallAnalysis.Sentiments];

    public static bool IsOneOf(string? value, string[] allowed) => value is null || allowed.Contains(value.Trim().ToLowerInvariant());

    public static string? Normalize(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim().ToLowerInvariant();

    /// <summary>An ISO-8601 instant (an offset or <c>Z</c>; none means UTC) or a date (midnight UTC).</summary>
    public static bool TryParseInstant(string? value, out DateTimeOffset instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var text = value.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            instant = new DateTimeOffset(date, TimeOnly.MinValue, TimeSpan.Zero);
            return true;
        }

        // ISO-8601 only: a date, 'T', a time; not the culture-dependent forms DateTimeOffset.TryParse would also take.
        if (text.Length < 16 || text[10] is not ('T' or 't' or ' ') || !char.IsAsciiDigit(text[0]))
        {
            return false;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant);
    }

    public static bool TryParseLimit(string? value, out int limit)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            limit = DefaultLimit;
            return true;
        }

        return int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit;
    }

    /// <summary>The page token: base64url of <c>{unix microseconds}:{call id}</c>, opaque to clients.</summary>
    public static string EncodePage(CallKeyset keyset)
    {
        var micros = (keyset.StartedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{micros}:{keyset.CallId}")));
    }

    public static bool TryDecodePage(string? token, out CallKeyset? keyset)
    {
        keyset = null;
        if (string.IsNullOrEmpty(token) || token.Length > 1024)
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return false;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (ArgumentException)
        {
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1
            || !long.TryParse(text.AsSpan(0, colon), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var micros)
            || micros is < 0 or > 253_402_300_799_999_999L)
        {
            return false;
        }

        var callId = text[(colon + 1)..];
        if (callId.Length > 256 || callId.Any(char.IsControl))
        {
            return false;
        }

        keyset = new CallKeyset(DateTimeOffset.UnixEpoch.AddTicks(micros * 10), callId);
        return true;
    }
}
