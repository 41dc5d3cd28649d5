using System.Diagnostics.CodeAnalysis;
using EasyMo.Domain.Common;

namespace EasyMo.Domain.WhatsApp;

/// <summary>
/// A WhatsApp user's <c>wa_id</c>: their number's digits without <c>+</c> (1–32 digits). Its rules live here, not in a
/// helper beside a bare string: only a well-formed one exists, and it says which phone number it stands for and how logs
/// may show it.
/// </summary>
public readonly record struct WaId
{
    /// <summary>The longest <c>wa_id</c> taken.</summary>
    public const int MaxLength = 32;

    /// <summary>A <c>wa_id</c> from outside, checked: <see cref="DomainException"/> when it is not one (<see cref="TryParse"/> asks first).</summary>
    public WaId(string value)
    {
        if (!IsWellFormed(value))
        {
            throw new DomainException($"Not a wa_id: 1–{MaxLength} digits.");
        }

        Value = value;
    }

    /// <summary>The digits, as WhatsApp spells them.</summary>
    public string Value { get; }

    /// <summary>The phone number the <c>wa_id</c> stands for, when it is one (E.164 allows 15 digits).</summary>
    public PhoneNumber? Phone => Value is not null && PhoneNumber.TryParse("+" + Value, out var phone) ? phone : null;

    /// <summary>As logs may show it: the number masked.</summary>
    public string Masked => Phone?.Masked ?? PhoneNumber.Mask(Value);

    /// <summary>How logs may show a <c>wa_id</c> that may be unknown.</summary>
    public static string Mask(WaId? waId) => waId?.Masked ?? PhoneNumber.Mask(null);

    /// <summary>The <c>wa_id</c> of a phone number (its digits).</summary>
    public static WaId Of(PhoneNumber phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        return new WaId(phone.Digits);
    }

    /// <summary>Whether <paramref name="value"/> is a <c>wa_id</c>: 1–32 ASCII digits.</summary>
    public static bool IsWellFormed([NotNullWhen(true)] string? value) =>
        value is { Length: > 0 and <= MaxLength } && value.All(char.IsAsciiDigit);

    /// <summary>The <c>wa_id</c> in <paramref name="value"/>, when it is one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out WaId waId)
    {
        waId = IsWellFormed(value) ? new WaId(value) : default;
        return waId.Value is not null;
    }

    /// <summary><paramref name="value"/> as a <c>wa_id</c>, or null when it is not one.</summary>
    public static WaId? From(string? value) => TryParse(value, out var waId) ? waId : null;

    public override string ToString() => Value ?? string.Empty;
}
