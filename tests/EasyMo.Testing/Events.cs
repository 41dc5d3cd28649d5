using System.Text;
using System.Text.Json.Nodes;
using EasyMo.Application.Features.Calls.Sip;
using EasyMo.Operator.Simulation;

namespace EasyMo.Testing;

/// <summary>Webhook bodies shaped like OpenAI's (compact JSON, as sent on the wire).</summary>
public static class Events
{
    public static string NewCallId() => "rtc_" + Guid.NewGuid().ToString("N");

    /// <summary>A GPT-Live session id, shaped like OpenAI's (<c>live_u0_…</c>).</summary>
    public static string NewSessionId() => "live_u0_" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// GPT-Live's <c>live.transport.incoming</c> for <paramref name="sessionId"/> (or the deprecated <c>live.call.incoming</c>),
    /// with the edge's attestation added as <see cref="CallIncoming"/> adds it.
    /// </summary>
    public static string LiveIncoming(string sessionId, (string Name, string Value)[] headers, bool deprecated = false, string transportType = "sip") =>
        LiveIncomingAsSent(sessionId, Attested(headers), deprecated, transportType);

    /// <summary>GPT-Live's incoming call whose headers are exactly <paramref name="headers"/> (no attestation added).</summary>
    public static string LiveIncomingAsSent(string sessionId, (string Name, string Value)[] headers, bool deprecated = false, string transportType = "sip") =>
        Encoding.UTF8.GetString(OpenAiWebhook.LiveIncoming(sessionId, headers, DateTimeOffset.UtcNow, deprecated: deprecated, transportType: transportType));

    /// <summary>The headers of a carrier's INVITE from <paramref name="caller"/>, with <paramref name="sipCallId"/> as its Call-ID.</summary>
    public static (string Name, string Value)[] InviteHeaders(string caller, string sipCallId, string dialed = "+250788000111") =>
    [
        ("Via", "SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK776asdhds"),
        ("From", $"<sip:{caller}@trunk.mtn.rw;user=phone>;tag=1928301774"),
        ("To", $"<sip:{dialed}@sip.api.openai.com>"),
        ("Call-ID", sipCallId),
    ];

    /// <summary>A unique Rwandan mobile number, so that tests sharing a database never share a caller by accident.</summary>
    public static string NewRwandanNumber() => "+25078" + Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The SIP edge's attestation key every test host is configured with (<c>Identity:AttestationKey</c>).</summary>
    public const string EdgeKey = "test-edge-key-0123456789abcdefghijklmnopqrstuv";

    /// <summary>The carrier trunk the edge names in the attestation of a call that is not WhatsApp's.</summary>
    public const string EdgeTrunk = "mtn-rw";

    /// <summary>
    /// An incoming call as the SIP edge relays it: with a valid <c>X-EasyMo-Edge</c> over the headers' Call-ID, From and
    /// To (admission <c>whatsapp</c> when the INVITE looks like Meta's, else <see cref="EdgeTrunk"/>), signed with
    /// <see cref="EdgeKey"/> now. A missing Call-ID is added (every INVITE has one); headers that already hold an
    /// attestation, or lack From or To, are sent as given.
    /// </summary>
    public static string CallIncoming(string callId, params (string Name, string Value)[] headers) =>
        CallIncomingAsSent(callId, Attested(headers));

    /// <summary>An incoming call whose headers are exactly <paramref name="headers"/> (no attestation added).</summary>
    public static string CallIncomingAsSent(string callId, params (string Name, string Value)[] headers) =>
        Encoding.UTF8.GetString(OpenAiWebhook.CallIncoming(callId, headers, DateTimeOffset.UtcNow));

    /// <summary>
    /// <paramref name="headers"/> with the edge's attestation appended, signed with <paramref name="key"/> at
    /// <paramref name="at"/> (default: now) for <paramref name="admission"/> (default: by the headers, as above).
    /// </summary>
    public static (string Name, string Value)[] Attested(
        (string Name, string Value)[] headers, string? admission = null, string key = EdgeKey, DateTimeOffset? at = null)
    {
        static string? Find((string Name, string Value)[] headers, params string[] names) =>
            headers.FirstOrDefault(h => names.Any(n => h.Name.Trim().Equals(n, StringComparison.OrdinalIgnoreCase))).Value;

        if (Find(headers, EdgeAttestation.HeaderName) is not null
            || SipAddress.UriOf(Find(headers, "From", "f")) is not { } from
            || SipAddress.UriOf(Find(headers, "To", "t")) is not { } to)
        {
            return headers;
        }

        if (Find(headers, "Call-ID", "i") is null)
        {
            headers = [.. headers, ("Call-ID", Guid.NewGuid().ToString())];
        }

        admission ??= headers.Any(h => h.Name.Trim().StartsWith("x-wa-meta-", StringComparison.OrdinalIgnoreCase))
            || from.Contains("wa.meta.vc", StringComparison.OrdinalIgnoreCase)
            ? EdgeAttestation.WhatsAppAdmission
            : EdgeTrunk;
        var value = EdgeAttestation.Attest(key, admission, (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(), [.. headers.Select(h => new SipHeader(h.Name, h.Value))])!;
        return [.. headers, (EdgeAttestation.HeaderName, value)];
    }

    /// <summary>A carrier call: <c>From</c> the caller, <c>To</c> the dialed EasyMO number, as a trunk sends them.</summary>
    public static string CarrierCall(string callId, string caller, string dialed = "+250788000111") =>
        CallIncoming(callId, CarrierHeaders(caller, dialed));

    /// <summary>
    /// The SIP headers of <see cref="CarrierCall"/> as the SIP edge relays them (attested unless <paramref name="attested"/>
    /// is false), for a command sent to the mediator without its webhook.
    /// </summary>
    public static IReadOnlyList<SipHeader> CarrierInvite(string caller, bool attested = true) =>
        [.. (attested ? Attested(CarrierHeaders(caller, "+250788000111")) : CarrierHeaders(caller, "+250788000111")).Select(h => new SipHeader(h.Name, h.Value))];

    private static (string Name, string Value)[] CarrierHeaders(string caller, string dialed) => InviteHeaders(caller, Guid.NewGuid().ToString(), dialed);

    /// <summary>The model calling the tool <paramref name="name"/> over the sideband socket, its function call <paramref name="id"/>.</summary>
    public static object ToolCall(string id, string name, string arguments) => new
    {
        type = "response.function_call_arguments.done",
        event_id = "event_" + id,
        response_id = "resp_1",
        item_id = "item_" + id,
        output_index = 0,
        call_id = id,
        name,
        arguments,
    };

    public static string Other(string type, string? callId = null) =>
        JsonSerializer.Serialize(new JsonObject
        {
            ["object"] = "event",
            ["id"] = "evt_" + Guid.NewGuid().ToString("N"),
            ["type"] = type,
            ["created_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["data"] = callId is null ? new JsonObject { ["id"] = "resp_123" } : new JsonObject { ["call_id"] = callId },
        });
}
