using EasyMo.Domain.Common;

namespace EasyMo.Application.Features.Calls.Sip;

/// <summary>
/// The parts of a SIP name-addr or addr-spec (RFC 3261 §20.10, RFC 3966) that identify a party:
/// <c>"Name" &lt;sip:+250788123456@host;user=phone&gt;;tag=x</c>, <c>&lt;tel:+250788123456&gt;</c>, <c>sip:user@host</c>.
/// </summary>
public sealed record SipAddress(string? DisplayName, string Scheme, string? User, string? Host)
{
    public bool IsAnonymous =>
        string.Equals(User, "anonymous", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Host, "anonymous.invalid", StringComparison.OrdinalIgnoreCase)
        || string.Equals(DisplayName, "anonymous", StringComparison.OrdinalIgnoreCase);

    /// <summary>The user part as an E.164 number, when it is one.</summary>
    public PhoneNumber? ToPhoneNumber(string? defaultCountryCode) =>
        !IsAnonymous && PhoneNumber.TryParse(User, defaultCountryCode, out var phone) ? phone : null;

    public static bool TryParse(string? value, out SipAddress address)
    {
        address = default!;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var text = value.AsSpan().Trim();
        string? displayName = null;
        ReadOnlySpan<char> uri;
        var open = IndexOfOutsideQuotes(text, '<');
        if (open >= 0)
        {
            var close = text[open..].IndexOf('>');
            if (close < 0)
            {
                return false;
            }

            displayName = UnquoteDisplayName(text[..open]);
            uri = text.Slice(open + 1, close - 1).Trim();
        }
        else
        {
            // addr-spec: anything after ';' belongs to the header, not to the URI.
            var semicolon = text.IndexOf(';');
            uri = (semicolon >= 0 ? text[..semicolon] : text).Trim();
        }

        var colon = uri.IndexOf(':');
        if (colon <= 0)
        {
            return false;
        }

        var scheme = uri[..colon].ToString().ToLowerInvariant();
        var rest = uri[(colon + 1)..];
        string? user;
        string? host;
        switch (scheme)
        {
            case "tel":
                var telEnd = rest.IndexOf(';');
                user = Unescape(telEnd >= 0 ? rest[..telEnd] : rest);
                host = null;
                break;
            case "sip" or "sips":
                var at = rest.LastIndexOf('@');
                var hostPart = at >= 0 ? rest[(at + 1)..] : rest;
                var hostEnd = hostPart.IndexOfAny(';', '?', ':');
                host = (hostEnd >= 0 ? hostPart[..hostEnd] : hostPart).ToString();
                if (at >= 0)
                {
                    var userInfo = rest[..at];
                    var userEnd = userInfo.IndexOfAny(';', ':');
                    user = Unescape(userEnd >= 0 ? userInfo[..userEnd] : userInfo);
                }
                else
                {
                    user = null;
                }

                break;
            default:
                return false;
        }

        address = new SipAddress(
            string.IsNullOrWhiteSpace(displayName) ? null : displayName,
            scheme,
            string.IsNullOrEmpty(user) ? null : user,
            string.IsNullOrEmpty(host) ? null : host);
        return true;
    }

    /// <summary>
    /// The URI of a From or To header value as written (no unescaping, no normalising): inside <c>&lt;…&gt;</c> of a
    /// name-addr, or up to the first <c>;</c> of an addr-spec. Null when there is none. This is Kamailio's <c>$fu</c>/<c>$tu</c>.
    /// </summary>
    public static string? UriOf(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.AsSpan().Trim();
        var open = IndexOfOutsideQuotes(text, '<');
        ReadOnlySpan<char> uri;
        if (open >= 0)
        {
            var close = text[open..].IndexOf('>');
            if (close < 0)
            {
                return null;
            }

            uri = text.Slice(open + 1, close - 1).Trim();
        }
        else
        {
            var semicolon = text.IndexOf(';');
            uri = (semicolon >= 0 ? text[..semicolon] : text).Trim();
        }

        return uri.IsEmpty ? null : uri.ToString();
    }

    /// <summary>Splits a header value that lists several addresses (P-Asserted-Identity may carry a sip and a tel URI).</summary>
    public static IEnumerable<string> SplitList(string value)
    {
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            switch (value[i])
            {
                case '\\' when quoted:
                    i++;
                    break;
                case '"':
                    quoted = !quoted;
                    break;
                case '<' when !quoted:
                    depth++;
                    break;
                case '>' when !quoted && depth > 0:
                    depth--;
                    break;
                case ',' when !quoted && depth == 0:
                    yield return value[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return value[start..];
    }

    private static int IndexOfOutsideQuotes(ReadOnlySpan<char> text, char c)
    {
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && quoted)
            {
                i++;
            }
            else if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (text[i] == c && !quoted)
            {
                return i;
            }
        }

        return -1;
    }

    private static string? UnquoteDisplayName(ReadOnlySpan<char> raw)
    {
        var name = raw.Trim();
        if (name.Length >= 2 && name[0] == '"' && name[^1] == '"')
        {
            name = name[1..^1];
            return name.ToString().Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal).Trim();
        }

        return name.IsEmpty ? null : name.ToString();
    }

    private static string Unescape(ReadOnlySpan<char> value) =>
        value.Contains('%') ? Uri.UnescapeDataString(value.ToString()) : value.ToString();
}
