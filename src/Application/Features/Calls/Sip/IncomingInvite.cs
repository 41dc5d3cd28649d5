using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;

namespace EasyMo.Application.Features.Calls.Sip;

/// <summary>
/// What the SIP INVITE tells about a call: who calls, which number they dialed, through which channel, and its SIP
/// <c>Call-ID</c> (the first one), which both of OpenAI's runtimes pass on unchanged.
/// </summary>
public sealed record IncomingInvite(
    PhoneNumber? Caller,
    string? CallerDisplayName,
    PhoneNumber? Callee,
    CallChannel Channel,
    string? WhatsAppCallId,
    string? SipCallId = null)
{
    private const string WhatsAppHeaderPrefix = "x-wa-meta-";
    private const string WhatsAppCallIdHeader = "x-wa-meta-wacid";
    private const string WhatsAppSipDomain = "wa.meta.vc";

    /// <summary>
    /// Reads the caller from <c>P-Asserted-Identity</c> (its first address that is a phone number) or else <c>From</c>,
    /// the dialed number from <c>To</c>. Header names are case-insensitive and may repeat; the first usable one wins.
    /// </summary>
    public static IncomingInvite Parse(IReadOnlyList<SipHeader> headers, string? defaultCountryCode)
    {
        SipAddress? from = null;
        SipAddress? to = null;
        PhoneNumber? asserted = null;
        string? assertedName = null;
        string? whatsAppCallId = null;
        string? sipCallId = null;
        var whatsApp = false;

        foreach (var header in headers)
        {
            var name = header.Name.Trim();
            if (name.StartsWith(WhatsAppHeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                whatsApp = true;
                if (whatsAppCallId is null && name.Equals(WhatsAppCallIdHeader, StringComparison.OrdinalIgnoreCase)
                    && !string.IsNullOrWhiteSpace(header.Value))
                {
                    whatsAppCallId = header.Value.Trim();
                }

                continue;
            }

            switch (name.ToLowerInvariant())
            {
                case "p-asserted-identity" when asserted is null:
                    foreach (var item in SipAddress.SplitList(header.Value))
                    {
                        if (SipAddress.TryParse(item, out var address))
                        {
                            whatsApp |= IsWhatsAppHost(address.Host);
                            if (asserted is null && address.ToPhoneNumber(defaultCountryCode) is { } phone)
                            {
                                asserted = phone;
                                assertedName = address.DisplayName;
                            }
                        }
                    }

                    break;
                case "from" or "f" when from is null:
                    if (SipAddress.TryParse(header.Value, out var fromAddress))
                    {
                        from = fromAddress;
                        whatsApp |= IsWhatsAppHost(fromAddress.Host);
                    }

                    break;
                case "call-id" or "i" when sipCallId is null && !string.IsNullOrWhiteSpace(header.Value):
                    sipCallId = header.Value.Trim();
                    break;
                case "to" or "t" when to is null:
                    if (SipAddress.TryParse(header.Value, out var toAddress))
                    {
                        to = toAddress;
                    }

                    break;
            }
        }

        var caller = asserted ?? from?.ToPhoneNumber(defaultCountryCode);
        var displayName = from is { IsAnonymous: false } ? from.DisplayName ?? assertedName : assertedName;
        return new IncomingInvite(
            caller,
            caller is null ? null : displayName,
            to?.ToPhoneNumber(defaultCountryCode),
            whatsApp ? CallChannel.WhatsApp : CallChannel.Phone,
            whatsAppCallId,
            sipCallId);
    }

    /// <summary>
    /// The call as the SIP edge admitted it: WhatsApp (keeping Meta's call id) only when Meta's digest was checked there,
    /// otherwise a carrier trunk, whatever the headers claim.
    /// </summary>
    public IncomingInvite Admitted(EdgeAdmission admission)
    {
        ArgumentNullException.ThrowIfNull(admission);
        return admission.IsWhatsApp ? this with { Channel = CallChannel.WhatsApp } : AsPhoneCall();
    }

    /// <summary>
    /// A phone call linked to no WhatsApp call: what a trunk's admission is, and what an INVITE nobody attested is
    /// (<c>x-wa-meta-*</c> headers and a <c>wa.meta.vc</c> host are anyone's to send).
    /// </summary>
    public IncomingInvite AsPhoneCall() => this with { Channel = CallChannel.Phone, WhatsAppCallId = null };

    private static bool IsWhatsAppHost(string? host) =>
        host is not null
        && (host.Equals(WhatsAppSipDomain, StringComparison.OrdinalIgnoreCase)
            || host.EndsWith("." + WhatsAppSipDomain, StringComparison.OrdinalIgnoreCase));
}
