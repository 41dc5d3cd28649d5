using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace EasyMo.WebApi.Logging;

/// <summary>
/// Shortens every WhatsApp id in a log event's properties to its kind and last six characters (<c>wacid.…Rg1ZAA</c>):
/// WhatsApp's ids embed the user's number (<c>wacid.HBgLMTIxODU1NTI4Mjg…</c> decodes to <c>12185552828</c>), and a log
/// line would put it next to the masked one. Applied to every event, so no log call can forget it; the tail still tells
/// ids apart when following one message through the logs.
/// </summary>
public sealed partial class WhatsAppIdMasker : ILogEventEnricher
{
    private const int KeptCharacters = 6;

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        List<LogEventProperty>? masked = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (value is ScalarValue { Value: string text } && text.Contains("id.", StringComparison.Ordinal) && Mask(text) is { } shorter && shorter != text)
            {
                (masked ??= []).Add(new LogEventProperty(name, new ScalarValue(shorter)));
            }
        }

        foreach (var property in masked ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }

    /// <summary><paramref name="text"/> with each WhatsApp id in it shortened.</summary>
    public static string Mask(string text) =>
        WhatsAppId().Replace(text, match => match.Groups["kind"].Value + "…" + match.Groups["body"].Value[^KeptCharacters..]);

    [GeneratedRegex(@"(?<kind>wa[cm]id\.)(?<body>[A-Za-z0-9+/=_\-]{7,})")]
    private static partial Regex WhatsAppId();
}
