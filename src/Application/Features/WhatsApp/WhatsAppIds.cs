using System.Diagnostics.CodeAnalysis;
using EasyMo.Domain.Common;

namespace EasyMo.Application.Features.WhatsApp;

/// <summary>WhatsApp's ids and names as the webhooks carry them: checks, deduplication keys, masking.</summary>
public static class WhatsAppIds
{
    public const int MaxIdLength = 256;
    public const int MaxStatusLength = 32;
    public const int MaxNameLength = 120;

    /// <summary>An opaque id (<c>wamid.…</c>, <c>wacid.…</c>, a media id): printable ASCII without spaces.</summary>
    public static bool IsId([NotNullWhen(true)] string? value) => UntrustedText.IsToken(value, MaxIdLength);

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
    public static string? CleanName(string? name) => UntrustedText.OneLine(name, MaxNameLength);
}
