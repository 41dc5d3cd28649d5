using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace EasyMo.Domain.Common;

/// <summary>
/// Text from outside (SIP headers, webhooks, callers) made fit to keep: bounded by the column it goes to, without the
/// characters PostgreSQL refuses (NUL, unpaired surrogates) or that could bend a log line or a prompt (controls, format
/// characters). Cleaned here, at the boundary, so that no value is ever refused by the database instead.
/// </summary>
public static class UntrustedText
{
    /// <summary>
    /// One line of printable text: white space and line separators folded to single spaces, control, format, private-use,
    /// unassigned characters and unpaired surrogates removed, trimmed, cut at <paramref name="maxLength"/> characters
    /// without splitting a surrogate pair. Null when nothing is left.
    /// </summary>
    public static string? OneLine(string? text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var builder = new StringBuilder(Math.Min(text.Length, maxLength));
        var pendingSpace = false;
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(text, i);
            if (char.IsWhiteSpace(text, i) || category is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                continue;
            }

            var width = char.IsSurrogatePair(text, i) ? 2 : 1;
            if (builder.Length + (pendingSpace ? 1 : 0) + width > maxLength)
            {
                break;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(text, i, width);
        }

        return builder.Length == 0 ? null : builder.ToString();
    }

    /// <summary>
    /// A person's name as a model's instructions may quote it (names come from profiles callers can influence): letters,
    /// combining marks, apostrophes, hyphens, dots and single spaces, nothing else (no digits, quotes, braces or line
    /// breaks), cut at <paramref name="maxLength"/>. Null when nothing is left.
    /// </summary>
    public static string? Name(string? text, int maxLength) =>
        string.IsNullOrWhiteSpace(text) ? null : OneLine(Map(text, c =>
            char.IsLetter(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark || c is '\'' or '’' or '-' or '.' ? c
            : char.IsWhiteSpace(c) ? ' '
            : null), maxLength);

    /// <summary>
    /// Text a model's instructions quote (a summary written from caller speech): <see cref="OneLine"/>, with control
    /// characters taken as spaces, quotation marks turned to apostrophes and braces to parentheses (nothing can close the
    /// quotation or look like a placeholder), characters outside the Basic Multilingual Plane (emoji) dropped, and cut at
    /// a word near <paramref name="maxLength"/> with an ellipsis. Null when nothing is left.
    /// </summary>
    public static string? Quotable(string? text, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var mapped = Map(text, c => c switch
        {
            '"' or '“' or '”' or '«' or '»' => '\'',
            '{' => '(',
            '}' => ')',
            _ when char.IsSurrogate(c) => null,
            _ when char.IsControl(c) => ' ',
            _ => c,
        });
        if (OneLine(mapped, mapped.Length + 1) is not { } line)
        {
            return null;
        }

        if (line.Length <= maxLength)
        {
            return line;
        }

        var cut = line.LastIndexOf(' ', maxLength - 1);
        return (cut > maxLength / 2 ? line[..cut] : line[..(maxLength - 1)]).TrimEnd() + "…";
    }

    /// <summary>Each character of <paramref name="text"/> through <paramref name="map"/>: kept, replaced, or dropped (null).</summary>
    private static string Map(string text, Func<char, char?> map)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (map(c) is { } mapped)
            {
                builder.Append(mapped);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// An opaque id (a WhatsApp call or message id, a media id): printable ASCII without spaces, at most
    /// <paramref name="maxLength"/> characters. Anything else is no id at all (null): an id cut or cleaned would name
    /// something else.
    /// </summary>
    public static string? Token(string? text, int maxLength) =>
        IsToken(text, maxLength) ? text : null;

    /// <summary>Whether <paramref name="text"/> is an opaque id as <see cref="Token"/> keeps it.</summary>
    public static bool IsToken([NotNullWhen(true)] string? text, int maxLength) =>
        text is { Length: > 0 } && text.Length <= maxLength && text.All(c => c is > ' ' and < '\u007f');
}
