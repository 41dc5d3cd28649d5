using System.Text.Json.Serialization;

namespace EasyMo.Infrastructure.WhatsApp;

// The parts of WhatsApp's Graph API (Cloud API) this service uses, as the Meta Business Messaging OpenAPI document names them.

/// <summary>The body of <c>POST /{version}/{phone-number-id}/messages</c>: a text or a template.</summary>
public sealed record GraphSendMessageRequest(
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("text")] GraphTextContent? Text,
    [property: JsonPropertyName("template")] GraphTemplateContent? Template)
{
    [JsonPropertyName("messaging_product")]
    public string MessagingProduct => "whatsapp";

    [JsonPropertyName("recipient_type")]
    public string RecipientType => "individual";

    public static GraphSendMessageRequest ForText(string to, string body) => new(to, "text", new GraphTextContent(body, PreviewUrl: false), null);

    public static GraphSendMessageRequest ForTemplate(string to, string name, string language) =>
        new(to, "template", null, new GraphTemplateContent(name, new GraphTemplateLanguage(language), Components: null));
}

public sealed record GraphTextContent(
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("preview_url")] bool PreviewUrl);

public sealed record GraphTemplateContent(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("language")] GraphTemplateLanguage Language,
    [property: JsonPropertyName("components")] IReadOnlyList<GraphTemplateComponent>? Components);

public sealed record GraphTemplateLanguage([property: JsonPropertyName("code")] string Code);

public sealed record GraphTemplateComponent(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("parameters")] IReadOnlyList<GraphTemplateParameter> Parameters);

public sealed record GraphTemplateParameter(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("text")] string? Text);

/// <summary>A <c>200</c> to a send: WhatsApp accepted the message (delivery is reported later by webhook).</summary>
public sealed record GraphSendMessageResponse(
    [property: JsonPropertyName("messaging_product")] string? MessagingProduct,
    [property: JsonPropertyName("contacts")] IReadOnlyList<GraphContact>? Contacts,
    [property: JsonPropertyName("messages")] IReadOnlyList<GraphSentMessage>? Messages);

public sealed record GraphContact(
    [property: JsonPropertyName("input")] string? Input,
    [property: JsonPropertyName("wa_id")] string? WaId);

public sealed record GraphSentMessage(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("message_status")] string? MessageStatus);

/// <summary>The Graph API's error envelope (<c>{"error":{…}}</c>); handling is built on <c>code</c>.</summary>
public sealed record GraphErrorEnvelope([property: JsonPropertyName("error")] GraphError? Error);

public sealed record GraphError(
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("code")] int? Code,
    [property: JsonPropertyName("error_subcode")] int? ErrorSubcode,
    [property: JsonPropertyName("is_transient")] bool? IsTransient,
    [property: JsonPropertyName("fbtrace_id")] string? FbTraceId);

/// <summary><c>GET /{version}/{media-id}</c>: where to download a media asset (the URL is valid for 5 minutes).</summary>
public sealed record GraphMediaInfo(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("mime_type")] string? MimeType,
    [property: JsonPropertyName("sha256")] string? Sha256,
    [property: JsonPropertyName("file_size"), JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] long? FileSize);

/// <summary>The phone number's <c>settings</c> (<c>GET|POST /{version}/{phone-number-id}/settings</c>); only <c>calling</c> is used.</summary>
public sealed record GraphPhoneNumberSettings([property: JsonPropertyName("calling")] GraphCallingSettings? Calling);

public sealed record GraphCallingSettings(
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("call_icon_visibility")] string? CallIconVisibility,
    [property: JsonPropertyName("callback_permission_status")] string? CallbackPermissionStatus,
    [property: JsonPropertyName("srtp_key_exchange_protocol")] string? SrtpKeyExchangeProtocol,
    [property: JsonPropertyName("sip")] GraphSipSettings? Sip);

public sealed record GraphSipSettings(
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("servers")] IReadOnlyList<GraphSipServer>? Servers);

/// <summary>A SIP server; read back with credentials, the password is <c>sip_user_password</c> or <c>password</c>. Never logged.</summary>
public sealed record GraphSipServer(
    [property: JsonPropertyName("hostname")] string? Hostname,
    [property: JsonPropertyName("port")] int? Port,
    [property: JsonPropertyName("request_uri_user_params")] IReadOnlyDictionary<string, string>? RequestUriUserParams,
    [property: JsonPropertyName("app_id"), JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)] long? AppId,
    [property: JsonPropertyName("sip_user_password")] string? SipUserPassword,
    [property: JsonPropertyName("password")] string? Password)
{
    /// <summary>Meta's generated digest password, whichever name carried it.</summary>
    [JsonIgnore]
    public string? UserPassword => SipUserPassword ?? Password;
}

/// <summary><c>{"success":true}</c>.</summary>
public sealed record GraphSuccessResponse([property: JsonPropertyName("success")] bool Success);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GraphSendMessageRequest))]
[JsonSerializable(typeof(GraphSendMessageResponse))]
[JsonSerializable(typeof(GraphErrorEnvelope))]
[JsonSerializable(typeof(GraphMediaInfo))]
[JsonSerializable(typeof(GraphPhoneNumberSettings))]
[JsonSerializable(typeof(GraphSuccessResponse))]
internal sealed partial class GraphJsonContext : JsonSerializerContext;
