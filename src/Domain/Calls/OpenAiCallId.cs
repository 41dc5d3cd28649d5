using System.Diagnostics.CodeAnalysis;
using EasyMo.Domain.Common;

namespace EasyMo.Domain.Calls;

/// <summary>
/// OpenAI's id of a call (<c>rtc_…</c>), the one its call-control URLs and sideband name: never our row id (<see cref="Call.Id"/>,
/// a <see cref="Guid"/>), which the compiler now keeps apart. Only well-formed ids exist: 1–256 letters, digits,
/// <c>_ - . :</c>, because the id goes into OpenAI's URL paths, logs and queries.
/// </summary>
public readonly record struct OpenAiCallId
{
    /// <summary>The longest id taken (OpenAI's are <c>rtc_</c> and hex, far shorter).</summary>
    public const int MaxLength = 256;

    /// <summary>An id from outside, checked: <see cref="DomainException"/> when it is not one (<see cref="TryParse"/> asks first).</summary>
    public OpenAiCallId(string value)
    {
        if (!IsWellFormed(value))
        {
            throw new DomainException("Not one of OpenAI's call ids: 1–256 letters, digits, '_', '-', '.' and ':'.");
        }

        Value = value;
    }

    /// <summary>The id as OpenAI spells it.</summary>
    public string Value { get; }

    /// <summary>Whether <paramref name="value"/> could be one of OpenAI's call ids; an id that fails this names no call.</summary>
    public static bool IsWellFormed([NotNullWhen(true)] string? value) =>
        value is { Length: > 0 and <= MaxLength } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':');

    /// <summary>The id in <paramref name="value"/>, when it is one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out OpenAiCallId id)
    {
        id = IsWellFormed(value) ? new OpenAiCallId(value) : default;
        return id.Value is not null;
    }

    public override string ToString() => Value ?? string.Empty;
}
