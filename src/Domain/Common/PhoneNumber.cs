using System.Diagnostics.CodeAnalysis;

namespace EasyMo.Domain.Common;

/// <summary>
/// A phone number in E.164 form: <c>+</c> followed by 8 to 15 digits, the first of which is not 0.
/// </summary>
public sealed record PhoneNumber
{
    private const int MinDigits = 8;
    private const int MaxDigits = 15;

    private PhoneNumber(string value) => Value = value;

    /// <summary>The E.164 text, for example <c>+250788123456</c>.</summary>
    public string Value { get; }

    /// <summary>The digits without the leading <c>+</c>, as WhatsApp ids and Graph API recipients are written.</summary>
    public string Digits => Value[1..];

    public static PhoneNumber Parse(string value) =>
        TryParse(value, out var phone) ? phone : throw new DomainException($"'{Mask(value)}' is not an E.164 phone number.");

    /// <summary>Parses an E.164 number; spaces, dashes, dots and brackets are ignored, <c>00</c> stands for <c>+</c>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out PhoneNumber? phone) =>
        TryParse(value, defaultCountryCode: null, out phone);

    /// <summary>
    /// Parses a number as written in telephony: with or without <c>+</c>, with an international <c>00</c> prefix,
    /// or in national form with a trunk <c>0</c> when <paramref name="defaultCountryCode"/> (digits, e.g. <c>250</c>) is given.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? value, string? defaultCountryCode, [NotNullWhen(true)] out PhoneNumber? phone)
    {
        phone = null;
        if (string.IsNullOrWhiteSpace(value) || value.Length > 64)
        {
            return false;
        }

        Span<char> digits = stackalloc char[value.Length];
        var count = 0;
        var plus = false;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                digits[count++] = c;
            }
            else if (c == '+' && count == 0 && !plus)
            {
                plus = true;
            }
            else if (c is not (' ' or '-' or '.' or '(' or ')'))
            {
                return false;
            }
        }

        ReadOnlySpan<char> number = digits[..count];
        string candidate;
        if (plus)
        {
            candidate = new string(number);
        }
        else if (number.StartsWith("00"))
        {
            candidate = new string(number[2..]);
        }
        else if (number.StartsWith("0"))
        {
            if (string.IsNullOrEmpty(defaultCountryCode))
            {
                return false;
            }

            candidate = defaultCountryCode + new string(number[1..]);
        }
        else
        {
            // Carriers and SIP gateways often drop the '+': a number that does not start with a trunk 0 is international.
            candidate = new string(number);
        }

        if (candidate.Length is < MinDigits or > MaxDigits || candidate[0] == '0')
        {
            return false;
        }

        phone = new PhoneNumber("+" + candidate);
        return true;
    }

    /// <summary>The number as logs may show it: the country prefix and the last three digits, nothing between.</summary>
    public string Masked => Mask(Value);

    /// <summary>Masks any text that may hold a phone number, keeping four leading and three trailing characters.</summary>
    public static string Mask(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        return value.Length <= 7
            ? new string('*', value.Length)
            : string.Concat(value.AsSpan(0, 4), new string('*', value.Length - 7), value.AsSpan(value.Length - 3));
    }

    public bool StartsWithCountryCode(string countryCode) =>
        Value.AsSpan(1).StartsWith(countryCode.AsSpan().TrimStart('+'));

    public override string ToString() => Masked;
}
