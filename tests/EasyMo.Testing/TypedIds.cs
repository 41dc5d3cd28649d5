using EasyMo.Domain.Calls;
using EasyMo.Domain.WhatsApp;

namespace EasyMo.Testing;

/// <summary>
/// Tests write ids as text (they go into JSON bodies too); these make the typed ids the code takes from them, checked
/// as the service's edge checks them.
/// </summary>
public static class TypedIds
{
    /// <summary>OpenAI's call id written in <paramref name="value"/>.</summary>
    public static OpenAiCallId AsCallId(this string value) => new(value);

    /// <summary>The <c>wa_id</c> written in <paramref name="value"/>.</summary>
    public static WaId AsWaId(this string value) => new(value);
}
