using System.Globalization;
using System.Text.Json.Nodes;

namespace EasyMo.IntegrationTests.WhatsApp;

/// <summary>
/// Webhook bodies shaped like Meta's WhatsApp Cloud API webhooks (compact JSON, non-ASCII escaped as Meta sends it):
/// the <c>calls</c> field (connect with an SDP offer, terminate, call statuses) and the <c>messages</c> field (text,
/// audio, statuses), with Meta's sample ids for the business side.
/// </summary>
public static class WhatsAppPayloads
{
    public const string WabaId = "366634483210360";
    public const string PhoneNumberId = "436666719526789";
    public const string BusinessNumber = "13175551399";

    /// <summary>A line of the SDP offer that must never be stored or logged.</summary>
    public const string SdpMarker = "o=- 7669997803033704573 2 IN IP4 127.0.0.1";

    public static string NewWaId() => Events.NewRwandanNumber()[1..];

    public static string NewCallId() => "wacid.HBgL" + Guid.NewGuid().ToString("N");

    public static string NewMessageId() => "wamid.HBgL" + Guid.NewGuid().ToString("N");

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static string Delivery(params JsonObject[] entries) =>
        new JsonObject { ["object"] = "whatsapp_business_account", ["entry"] = new JsonArray(entries) }.ToJsonString();

    public static JsonObject Entry(params JsonObject[] changes) =>
        new() { ["id"] = WabaId, ["changes"] = new JsonArray(changes) };

    public static JsonObject Change(string field, JsonObject value) => new() { ["field"] = field, ["value"] = value };

    /// <summary>A change's <c>value</c>: product, metadata and whichever arrays are given.</summary>
    public static JsonObject Value(
        JsonObject[]? contacts = null,
        JsonObject[]? calls = null,
        JsonObject[]? statuses = null,
        JsonObject[]? messages = null,
        JsonObject[]? errors = null)
    {
        var value = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = new JsonObject { ["display_phone_number"] = BusinessNumber, ["phone_number_id"] = PhoneNumberId },
        };
        Add(value, "contacts", contacts);
        Add(value, "calls", calls);
        Add(value, "statuses", statuses);
        Add(value, "messages", messages);
        Add(value, "errors", errors);
        return value;
    }

    public static JsonObject Contact(string waId, string name) =>
        new() { ["profile"] = new JsonObject { ["name"] = name }, ["wa_id"] = waId };

    /// <summary>A user-initiated <c>connect</c> with its SDP offer (Meta's sample, reference §2.1).</summary>
    public static JsonObject ConnectItem(string callId, string from, long? timestamp = null) => new()
    {
        ["id"] = callId,
        ["from"] = from,
        ["to"] = BusinessNumber,
        ["event"] = "connect",
        ["timestamp"] = Seconds(timestamp ?? Now),
        ["direction"] = "USER_INITIATED",
        ["session"] = new JsonObject
        {
            ["sdp_type"] = "offer",
            ["sdp"] = $"v=0\r\n{SdpMarker}\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:Xh0a\r\na=rtpmap:111 opus/48000/2\r\n",
        },
    };

    /// <summary>A <c>terminate</c>: with <c>start_time</c>, <c>end_time</c> and <c>duration</c> only when picked up (reference §2.3).</summary>
    public static JsonObject TerminateItem(string callId, string from, string status = "COMPLETED", int? duration = 120, long? timestamp = null, string direction = "USER_INITIATED")
    {
        var end = timestamp ?? Now;
        var item = new JsonObject
        {
            ["id"] = callId,
            ["from"] = direction == "USER_INITIATED" ? from : BusinessNumber,
            ["to"] = direction == "USER_INITIATED" ? BusinessNumber : from,
            ["event"] = "terminate",
            ["direction"] = direction,
            ["timestamp"] = Seconds(end),
            ["status"] = status,
        };
        if (duration is { } seconds)
        {
            item["start_time"] = Seconds(end - seconds);
            item["end_time"] = Seconds(end);
            item["duration"] = seconds;
        }

        return item;
    }

    /// <summary>A call status of a business-initiated call (reference §2.4).</summary>
    public static JsonObject CallStatusItem(string callId, string recipient, string status) => new()
    {
        ["id"] = callId,
        ["timestamp"] = Seconds(Now),
        ["type"] = "call",
        ["status"] = status,
        ["recipient_id"] = recipient,
        ["biz_opaque_callback_data"] = "TRx334DUDFTI4Mj",
    };

    public static JsonObject Error(int code) =>
        new() { ["code"] = code, ["message"] = "Call failed", ["error_data"] = new JsonObject { ["details"] = "Media failure" } };

    /// <summary>A voice note (reference §5.1).</summary>
    public static JsonObject AudioItem(string messageId, string from, string mediaId, bool voice = true) => new()
    {
        ["from"] = from,
        ["id"] = messageId,
        ["timestamp"] = Seconds(Now),
        ["type"] = "audio",
        ["audio"] = new JsonObject
        {
            ["mime_type"] = "audio/ogg; codecs=opus",
            ["sha256"] = "SfInY0N8zMWcZfQK3yGt7aQ2GUI=",
            ["id"] = mediaId,
            ["url"] = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=" + mediaId,
            ["voice"] = voice,
        },
    };

    public static JsonObject TextItem(string messageId, string from, string body) => new()
    {
        ["from"] = from,
        ["id"] = messageId,
        ["timestamp"] = Seconds(Now),
        ["type"] = "text",
        ["text"] = new JsonObject { ["body"] = body },
    };

    /// <summary>The status of a message the business sent.</summary>
    public static JsonObject MessageStatusItem(string messageId, string recipient, string status) => new()
    {
        ["id"] = messageId,
        ["status"] = status,
        ["timestamp"] = Seconds(Now),
        ["recipient_id"] = recipient,
        ["conversation"] = new JsonObject { ["id"] = "CONVERSATION_ID", ["origin"] = new JsonObject { ["type"] = "service" } },
        ["pricing"] = new JsonObject { ["billable"] = true, ["pricing_model"] = "CBP", ["category"] = "service" },
    };

    // One-change deliveries.

    public static string Connect(string callId, string waId, string? name = "Caller Name", long? timestamp = null) =>
        Delivery(Entry(Change("calls", Value(
            contacts: name is null ? null : [Contact(waId, name)],
            calls: [ConnectItem(callId, waId, timestamp)]))));

    public static string Terminate(string callId, string waId, string status = "COMPLETED", int? duration = 120, int[]? errors = null, long? timestamp = null) =>
        Delivery(Entry(Change("calls", Value(
            contacts: [Contact(waId, "Caller Name")],
            calls: [TerminateItem(callId, waId, status, duration, timestamp)],
            errors: errors?.Select(Error).ToArray()))));

    public static string CallStatus(string callId, string waId, string status) =>
        Delivery(Entry(Change("calls", Value(contacts: [Contact(waId, "User")], statuses: [CallStatusItem(callId, waId, status)]))));

    public static string Audio(string messageId, string waId, string mediaId, string name = "Caller Name") =>
        Delivery(Entry(Change("messages", Value(contacts: [Contact(waId, name)], messages: [AudioItem(messageId, waId, mediaId)]))));

    public static string Text(string messageId, string waId, string name, string body = "Muraho, ndashaka moto") =>
        Delivery(Entry(Change("messages", Value(contacts: [Contact(waId, name)], messages: [TextItem(messageId, waId, body)]))));

    public static string MessageStatus(string messageId, string waId, string status) =>
        Delivery(Entry(Change("messages", Value(statuses: [MessageStatusItem(messageId, waId, status)]))));

    private static string Seconds(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Add(JsonObject value, string name, JsonObject[]? items)
    {
        if (items is not null)
        {
            value[name] = new JsonArray(items);
        }
    }
}
