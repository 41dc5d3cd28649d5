using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using EasyMo.Domain.Common;

namespace EasyMo.Application.WhatsApp;

/// <summary>WhatsApp's ids and names as the webhooks carry them: checks, deduplication keys, masking.</summary>
public static class WhatsAppIds
{
    public const int MaxIdLength = 256;
    public const int MaxWaIdLength = 32;
    public const int MaxStatusLength = 32;
    public const int MaxNameLength = 120;

    /// <summary>An opaque id (<c>wamid.…</c>, <c>wacid.…</c>, a media id): printable ASCII without spaces.</summary>
    public static bool IsId([NotNullWhen(true)] string? value) =>
        value is { Length: > 0 and <= MaxIdLength } && value.All(c => c is > ' ' and < '\u007f');

    /// <summary>A <c>wa_id</c>: digits (the user's number without <c>+</c>).</summary>
    public static bool IsWaId([NotNullWhen(true)] string? value) =>
        value is { Length: > 0 and <= MaxWaIdLength } && value.All(char.IsAsciiDigit);

    /// <summary>The phone number a <c>wa_id</c> stands for, when it is one.</summary>
    public static PhoneNumber? Phone(string? waId) =>
        IsWaId(waId) && PhoneNumber.TryParse("+" + waId, out var phone) ? phone : null;

    /// <summary>A <c>wa_id</c> as logs may show it.</summary>
    public static string Mask(string? waId) => Phone(waId)?.Masked ?? PhoneNumber.Mask(waId);

    public static string CallEventKey(string whatsAppCallId, string callEvent) =>
        $"call:{whatsAppCallId}:{callEvent.ToLowerInvariant()}";

    public static string CallStatusKey(string whatsAppCallId, string status) =>
        $"call:{whatsAppCallId}:status:{status.ToLowerInvariant()}";

    public static string MessageKey(string messageId) => $"message:{messageId}";

    public static string MessageStatusKey(string messageId, string status) =>
        $"message:{messageId}:status:{status.ToLowerInvariant()}";

    /// <summary>
    /// A WhatsApp profile name fit for a profile: one line, no control or format characters, at most
    /// <see cref="MaxNameLength"/> characters; null when nothing is left.
    /// </summary>
    public static string? CleanName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var builder = new StringBuilder(Math.Min(name.Length, MaxNameLength));
        var pendingSpace = false;
        var text = name.Trim();
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
            if (builder.Length + (pendingSpace ? 1 : 0) + width > MaxNameLength)
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
}
