using System.Globalization;
using System.Text.Json;
using EasyMo.Application.Features.Privacy;
using EasyMo.Application.Features.WhatsApp;
using EasyMo.Application.Features.WhatsApp.RecordWhatsAppCallConnected;
using EasyMo.Application.Features.WhatsApp.RecordWhatsAppCallRecording;
using EasyMo.Application.Features.WhatsApp.RecordWhatsAppCallStatus;
using EasyMo.Application.Features.WhatsApp.RecordWhatsAppCallTerminated;
using EasyMo.Application.Features.WhatsApp.RecordWhatsAppMessage;
using EasyMo.Application.Features.WhatsApp.RecordWhatsAppMessageStatus;
using EasyMo.Domain.WhatsApp;
using Mediator;

namespace EasyMo.WebApi.Webhooks;

/// <summary>
/// Turns a verified WhatsApp webhook into one mediator command per event, over every <c>entry[]</c>, <c>changes[]</c>
/// and item: <c>calls</c> → connect / terminate / call status; <c>messages</c> → message / message status. What cannot
/// be acted on (another field, an unknown call event, an item without an id) is counted as ignored, with a reason.
/// </summary>
public static class WhatsAppWebhookCommands
{
    public const string CallsField = "calls";
    public const string MessagesField = "messages";

    public static WhatsAppWebhookPlan Plan(WhatsAppWebhookPayload payload)
    {
        var commands = new List<ICommand<WhatsAppEventOutcome>>();
        var ignored = new List<string>();
        foreach (var entry in payload.Entry ?? [])
        {
            foreach (var change in entry?.Changes ?? [])
            {
                if (change?.Value is not { } value)
                {
                    ignored.Add("a change without a value");
                    continue;
                }

                switch (change.Field)
                {
                    case CallsField:
                        PlanCalls(value, commands, ignored);
                        break;
                    case MessagesField:
                        PlanMessages(value, commands, ignored);
                        break;
                    default:
                        ignored.Add($"field {Printable(change.Field)}");
                        break;
                }
            }
        }

        return new WhatsAppWebhookPlan(commands, ignored);
    }

    private static void PlanCalls(WhatsAppChangeValue value, List<ICommand<WhatsAppEventOutcome>> commands, List<string> ignored)
    {
        var business = BusinessNumberId(value);
        foreach (var call in value.Calls ?? [])
        {
            if (call is null || !WhatsAppIds.IsId(call.Id))
            {
                ignored.Add("a call event without an id");
                continue;
            }

            var direction = Direction(call.Direction);
            var user = UserWaId(direction == WhatsAppCallDirection.BusinessInitiated ? call.To : call.From);
            var name = ContactName(value, user);
            switch (call.Event?.Trim().ToLowerInvariant())
            {
                case "connect":
                    commands.Add(new RecordWhatsAppCallConnectedCommand(call.Id, direction, user, business, Timestamp(call.Timestamp), name));
                    break;
                case "terminate":
                    var errors = (value.Errors ?? []).Concat(call.Errors ?? [])
                        .Select(error => error?.Code)
                        .OfType<int>()
                        .Distinct()
                        .Take(RecordWhatsAppCallTerminatedValidator.MaxErrorCodes)
                        .ToArray();
                    commands.Add(new RecordWhatsAppCallTerminatedCommand(
                        call.Id,
                        direction,
                        user,
                        business,
                        Timestamp(call.Timestamp),
                        Token(call.Status, WhatsAppCall.MaxTerminationStatusLength) ?? "UNKNOWN",
                        Timestamp(call.StartTime),
                        Timestamp(call.EndTime),
                        call.Duration is >= 0 ? call.Duration : null,
                        errors,
                        name));
                    break;
                case "call_recording_available":
                    commands.Add(new RecordWhatsAppCallRecordingCommand(call.Id, "recording", user, RecordingReference(call)));
                    break;
                case "call_transcription_available":
                    commands.Add(new RecordWhatsAppCallRecordingCommand(call.Id, "transcription", user, RecordingReference(call)));
                    break;
                default:
                    ignored.Add($"call event {Printable(call.Event)}");
                    break;
            }
        }

        foreach (var status in value.Statuses ?? [])
        {
            PlanStatus(status, value, business, callsField: true, commands, ignored);
        }
    }

    private static void PlanMessages(WhatsAppChangeValue value, List<ICommand<WhatsAppEventOutcome>> commands, List<string> ignored)
    {
        var business = BusinessNumberId(value);
        foreach (var message in value.Messages ?? [])
        {
            if (message is null || !WhatsAppIds.IsId(message.Id))
            {
                ignored.Add("a message without an id");
                continue;
            }

            var sender = UserWaId(message.From);
            var type = Token(message.Type, WhatsAppIds.MaxStatusLength)?.ToLowerInvariant() ?? "unknown";
            var audio = type == RecordWhatsAppMessageHandler.AudioType && message.Audio is { } item
                ? new WhatsAppAudio(WhatsAppIds.IsId(item.Id) ? item.Id : null, Text(item.MimeType, 128), item.Voice ?? false)
                : null;
            var consentAnswer = type switch
            {
                "text" => ConsentReply.Parse(message.Text?.Body),
                "button" => ConsentReply.Parse(message.Button?.Payload) ?? ConsentReply.Parse(message.Button?.Text),
                _ => null,
            };
            commands.Add(new RecordWhatsAppMessageCommand(message.Id, sender, type, business, Timestamp(message.Timestamp), ContactName(value, sender), audio, consentAnswer));
        }

        foreach (var status in value.Statuses ?? [])
        {
            PlanStatus(status, value, business, callsField: false, commands, ignored);
        }
    }

    private static void PlanStatus(
        WhatsAppStatusItem? status,
        WhatsAppChangeValue value,
        string? business,
        bool callsField,
        List<ICommand<WhatsAppEventOutcome>> commands,
        List<string> ignored)
    {
        if (status is null || !WhatsAppIds.IsId(status.Id) || Token(status.Status, WhatsAppIds.MaxStatusLength) is not { } state)
        {
            ignored.Add("a status without an id or a status");
            return;
        }

        var isCall = string.Equals(status.Type, "call", StringComparison.OrdinalIgnoreCase) || (callsField && status.Type is null);
        if (isCall)
        {
            var user = UserWaId(status.RecipientId);
            commands.Add(new RecordWhatsAppCallStatusCommand(status.Id, state, user, business, ContactName(value, user)));
        }
        else if (callsField)
        {
            ignored.Add($"status type {Printable(status.Type)} on calls");
        }
        else
        {
            commands.Add(new RecordWhatsAppMessageStatusCommand(status.Id, state));
        }
    }

    private static readonly HashSet<string> NestedReferenceMembers = ["id", "media_id", "url", "link", "mime_type", "expires_at", "expiration_timestamp"];

    /// <summary>
    /// The reference of a recording or a transcription as a JSON object: the call id and, from the unconfirmed payload,
    /// only short scalar members that name media (ids, URLs, type, expiry), one level deep. Never a text or media body.
    /// </summary>
    internal static string RecordingReference(WhatsAppCallItem call)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("call_id", call.Id);
            foreach (var (name, mapped) in new (string, JsonElement?)[]
                { ("recording", call.Recording), ("transcription", call.Transcription), ("media", call.Media), ("media_id", call.MediaId), ("url", call.Url) })
            {
                if (mapped is not { } value)
                {
                    continue;
                }

                if (ReferenceScalar(value) is { } scalar)
                {
                    writer.WriteString(name, scalar);
                }
                else if (value.ValueKind == JsonValueKind.Object)
                {
                    writer.WriteStartObject(name);
                    foreach (var member in value.EnumerateObject())
                    {
                        if (NestedReferenceMembers.Contains(member.Name) && ReferenceScalar(member.Value) is { } nested)
                        {
                            writer.WriteString(member.Name, nested);
                        }
                    }

                    writer.WriteEndObject();
                }
            }

            writer.WriteEndObject();
        }

        var json = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        return json.Length <= EasyMo.Domain.WhatsApp.CallRecording.MaxReferenceLength ? json : JsonSerializer.Serialize(new { call_id = call.Id });
    }

    private static string? ReferenceScalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when value.GetString() is { Length: > 0 and <= 1024 } text => text,
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    private static string? BusinessNumberId(WhatsAppChangeValue value) =>
        WhatsAppIds.IsId(value.Metadata?.PhoneNumberId) ? value.Metadata.PhoneNumberId : null;

    /// <summary>The <c>wa_id</c> Meta means, without spaces or a leading <c>+</c>; null when it is none.</summary>
    private static WaId? UserWaId(string? value) => Domain.WhatsApp.WaId.From(value?.Trim().TrimStart('+'));

    /// <summary>The WhatsApp profile name <c>contacts[]</c> gives for <paramref name="waId"/>.</summary>
    private static string? ContactName(WhatsAppChangeValue value, WaId? waId)
    {
        if (waId is null)
        {
            return null;
        }

        foreach (var contact in value.Contacts ?? [])
        {
            if (contact is not null && UserWaId(contact.WaId) == waId)
            {
                return Text(contact.Profile?.Name, 1024);
            }
        }

        return null;
    }

    private static WhatsAppCallDirection? Direction(string? direction) => direction?.Trim().ToUpperInvariant() switch
    {
        "USER_INITIATED" => WhatsAppCallDirection.UserInitiated,
        "BUSINESS_INITIATED" => WhatsAppCallDirection.BusinessInitiated,
        _ => null,
    };

    /// <summary>Unix seconds (Meta writes them as strings); null when absent or not a plausible time.</summary>
    private static DateTimeOffset? Timestamp(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and < 253_402_300_800
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    /// <summary>A short opaque word (a status, a type), or null.</summary>
    private static string? Token(string? value, int maxLength)
    {
        var trimmed = value?.Trim();
        return trimmed is { Length: > 0 } && trimmed.Length <= maxLength && WhatsAppIds.IsId(trimmed) ? trimmed : null;
    }

    private static string? Text(string? value, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Length <= maxLength ? value : value[..maxLength];

    /// <summary>A value from the payload as a log may show it: short, printable.</summary>
    private static string Printable(string? value) =>
        value is null ? "(none)" : Token(value, 64) ?? "(unreadable)";
}

/// <summary>The commands of one webhook delivery, in order, and what was left out.</summary>
public sealed record WhatsAppWebhookPlan(IReadOnlyList<ICommand<WhatsAppEventOutcome>> Commands, IReadOnlyList<string> Ignored);
