using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EasyMo.WebApi.Webhooks;

// Meta's webhook envelope, read leniently: unknown members are ignored, scalar members accept a string or a number
// (timestamps are strings, durations numbers, and Meta has changed such things before), and what the service must
// never keep (the SDP of a call) is not even mapped; a message's text is mapped only to read a yes / no to the consent
// question, and is never kept or logged.

/// <summary>The body of a WhatsApp webhook: <c>{"object":"whatsapp_business_account","entry":[…]}</c>.</summary>
public sealed record WhatsAppWebhookPayload(
    [property: JsonPropertyName("object")] string? Object,
    [property: JsonPropertyName("entry")] List<WhatsAppEntry?>? Entry);

/// <summary>One WhatsApp Business Account's changes.</summary>
public sealed record WhatsAppEntry(
    [property: JsonPropertyName("id"), JsonConverter(typeof(LenientStringConverter))] string? Id,
    [property: JsonPropertyName("changes")] List<WhatsAppChange?>? Changes);

/// <summary>One change: <c>field</c> (<c>calls</c>, <c>messages</c>, …) and its <c>value</c>.</summary>
public sealed record WhatsAppChange(
    [property: JsonPropertyName("field"), JsonConverter(typeof(LenientStringConverter))] string? Field,
    [property: JsonPropertyName("value")] WhatsAppChangeValue? Value);

public sealed record WhatsAppChangeValue(
    [property: JsonPropertyName("metadata")] WhatsAppMetadata? Metadata,
    [property: JsonPropertyName("contacts")] List<WhatsAppContact?>? Contacts,
    [property: JsonPropertyName("calls")] List<WhatsAppCallItem?>? Calls,
    [property: JsonPropertyName("statuses")] List<WhatsAppStatusItem?>? Statuses,
    [property: JsonPropertyName("messages")] List<WhatsAppMessageItem?>? Messages,
    [property: JsonPropertyName("errors")] List<WhatsAppError?>? Errors);

public sealed record WhatsAppMetadata(
    [property: JsonPropertyName("display_phone_number"), JsonConverter(typeof(LenientStringConverter))] string? DisplayPhoneNumber,
    [property: JsonPropertyName("phone_number_id"), JsonConverter(typeof(LenientStringConverter))] string? PhoneNumberId);

public sealed record WhatsAppContact(
    [property: JsonPropertyName("wa_id"), JsonConverter(typeof(LenientStringConverter))] string? WaId,
    [property: JsonPropertyName("profile")] WhatsAppContactProfile? Profile);

public sealed record WhatsAppContactProfile(
    [property: JsonPropertyName("name"), JsonConverter(typeof(LenientStringConverter))] string? Name);

/// <summary>
/// An item of <c>calls[]</c>: <c>connect</c>, <c>terminate</c>, or a recording / transcription being available. Its
/// <c>session</c> (SDP) is not read; of a recording event (payload unconfirmed) only the members that may hold a
/// reference are mapped, and only ids and URLs are taken from them.
/// </summary>
public sealed record WhatsAppCallItem(
    [property: JsonPropertyName("id"), JsonConverter(typeof(LenientStringConverter))] string? Id,
    [property: JsonPropertyName("from"), JsonConverter(typeof(LenientStringConverter))] string? From,
    [property: JsonPropertyName("to"), JsonConverter(typeof(LenientStringConverter))] string? To,
    [property: JsonPropertyName("event"), JsonConverter(typeof(LenientStringConverter))] string? Event,
    [property: JsonPropertyName("timestamp"), JsonConverter(typeof(LenientStringConverter))] string? Timestamp,
    [property: JsonPropertyName("direction"), JsonConverter(typeof(LenientStringConverter))] string? Direction,
    [property: JsonPropertyName("status"), JsonConverter(typeof(LenientStringConverter))] string? Status,
    [property: JsonPropertyName("start_time"), JsonConverter(typeof(LenientStringConverter))] string? StartTime,
    [property: JsonPropertyName("end_time"), JsonConverter(typeof(LenientStringConverter))] string? EndTime,
    [property: JsonPropertyName("duration"), JsonConverter(typeof(LenientInt32Converter))] int? Duration,
    [property: JsonPropertyName("errors")] List<WhatsAppError?>? Errors,
    [property: JsonPropertyName("recording")] JsonElement? Recording = null,
    [property: JsonPropertyName("transcription")] JsonElement? Transcription = null,
    [property: JsonPropertyName("media")] JsonElement? Media = null,
    [property: JsonPropertyName("media_id")] JsonElement? MediaId = null,
    [property: JsonPropertyName("url")] JsonElement? Url = null);

/// <summary>An item of <c>statuses[]</c>: of a call (<c>type:"call"</c>) or of a message the business sent.</summary>
public sealed record WhatsAppStatusItem(
    [property: JsonPropertyName("id"), JsonConverter(typeof(LenientStringConverter))] string? Id,
    [property: JsonPropertyName("type"), JsonConverter(typeof(LenientStringConverter))] string? Type,
    [property: JsonPropertyName("status"), JsonConverter(typeof(LenientStringConverter))] string? Status,
    [property: JsonPropertyName("timestamp"), JsonConverter(typeof(LenientStringConverter))] string? Timestamp,
    [property: JsonPropertyName("recipient_id"), JsonConverter(typeof(LenientStringConverter))] string? RecipientId);

/// <summary>
/// An item of <c>messages[]</c>. Only what identifies it, an audio message's media, and whether a text or button reply
/// says yes or no (to the consent question) are read.
/// </summary>
public sealed record WhatsAppMessageItem(
    [property: JsonPropertyName("id"), JsonConverter(typeof(LenientStringConverter))] string? Id,
    [property: JsonPropertyName("from"), JsonConverter(typeof(LenientStringConverter))] string? From,
    [property: JsonPropertyName("type"), JsonConverter(typeof(LenientStringConverter))] string? Type,
    [property: JsonPropertyName("timestamp"), JsonConverter(typeof(LenientStringConverter))] string? Timestamp,
    [property: JsonPropertyName("audio")] WhatsAppAudioItem? Audio,
    [property: JsonPropertyName("text")] WhatsAppTextItem? Text = null,
    [property: JsonPropertyName("button")] WhatsAppButtonItem? Button = null);

/// <summary>A text message's body: read only to see whether it answers the consent question, never kept.</summary>
public sealed record WhatsAppTextItem(
    [property: JsonPropertyName("body"), JsonConverter(typeof(LenientStringConverter))] string? Body);

/// <summary>A quick-reply button's payload and text: read only as an answer to the consent question.</summary>
public sealed record WhatsAppButtonItem(
    [property: JsonPropertyName("payload"), JsonConverter(typeof(LenientStringConverter))] string? Payload,
    [property: JsonPropertyName("text"), JsonConverter(typeof(LenientStringConverter))] string? Text);

public sealed record WhatsAppAudioItem(
    [property: JsonPropertyName("id"), JsonConverter(typeof(LenientStringConverter))] string? Id,
    [property: JsonPropertyName("mime_type"), JsonConverter(typeof(LenientStringConverter))] string? MimeType,
    [property: JsonPropertyName("voice"), JsonConverter(typeof(LenientBooleanConverter))] bool? Voice);

public sealed record WhatsAppError(
    [property: JsonPropertyName("code"), JsonConverter(typeof(LenientInt32Converter))] int? Code);

/// <summary>A string, number or boolean as text; anything else (an object, an array) as null.</summary>
public sealed class LenientStringConverter : JsonConverter<string?>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                return Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
            case JsonTokenType.True:
                return "true";
            case JsonTokenType.False:
                return "false";
            default:
                reader.Skip();
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>An integer written as a number or a string; anything else as null.</summary>
public sealed class LenientInt32Converter : JsonConverter<int?>
{
    public override int? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetInt32(out var number) ? number : null;
            case JsonTokenType.String:
                return int.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
            default:
                reader.Skip();
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, int? value, JsonSerializerOptions options)
    {
        if (value is { } number)
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>A boolean written as <c>true</c>/<c>false</c> or as such a string; anything else as null.</summary>
public sealed class LenientBooleanConverter : JsonConverter<bool?>
{
    public override bool? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.String:
                return bool.TryParse(reader.GetString(), out var parsed) ? parsed : null;
            default:
                reader.Skip();
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, bool? value, JsonSerializerOptions options)
    {
        if (value is { } flag)
        {
            writer.WriteBooleanValue(flag);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

[JsonSerializable(typeof(WhatsAppWebhookPayload))]
[JsonSourceGenerationOptions(AllowTrailingCommas = false, ReadCommentHandling = JsonCommentHandling.Disallow)]
internal sealed partial class WhatsAppWebhookJsonContext : JsonSerializerContext;
