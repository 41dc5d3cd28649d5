using System.Text.Json;
using System.Text.Json.Nodes;

namespace EasyMo.IntegrationTests.Infrastructure;

/// <summary>Webhook bodies shaped like OpenAI's (compact JSON, as sent on the wire).</summary>
public static class Events
{
    public static string NewCallId() => "rtc_" + Guid.NewGuid().ToString("N");

    /// <summary>A unique Rwandan mobile number, so that tests sharing a database never share a caller by accident.</summary>
    public static string NewRwandanNumber() => "+25078" + Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string CallIncoming(string callId, params (string Name, string Value)[] headers) =>
        JsonSerializer.Serialize(new JsonObject
        {
            ["object"] = "event",
            ["id"] = "evt_" + Guid.NewGuid().ToString("N"),
            ["type"] = "realtime.call.incoming",
            ["created_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["data"] = new JsonObject
            {
                ["call_id"] = callId,
                ["sip_headers"] = new JsonArray(headers.Select(h => (JsonNode)new JsonObject { ["name"] = h.Name, ["value"] = h.Value }).ToArray()),
            },
        });

    /// <summary>A carrier call: <c>From</c> the caller, <c>To</c> the dialed EasyMO number, as a trunk sends them.</summary>
    public static string CarrierCall(string callId, string caller, string dialed = "+250788000111") =>
        CallIncoming(callId,
            ("Via", "SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK776asdhds"),
            ("From", $"<sip:{caller}@trunk.mtn.rw;user=phone>;tag=1928301774"),
            ("To", $"<sip:{dialed}@sip.api.openai.com>"),
            ("Call-ID", Guid.NewGuid().ToString()));

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
