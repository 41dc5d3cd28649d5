using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Features.Calls;
using EasyMo.Application.Features.Privacy;
using EasyMo.Domain.Messaging;
using EasyMo.Domain.Privacy;
using EasyMo.Domain.Profiles;
using EasyMo.Domain.WhatsApp;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppMessage;

/// <summary>
/// Records a message. A voice note is handed to the worker when its sender consented (remembered on their profile within
/// <see cref="PrivacyOptions.ReaskAfter"/>); a sender who refused has nothing of it kept; a sender never asked gets the
/// question by text and the note waits, untouched, for the answer. A yes / no reply to the question releases or deletes
/// the waiting notes and is remembered (docs/privacy.md).
/// </summary>
public sealed partial class RecordWhatsAppMessageHandler(
    IWhatsAppStore store,
    LanguageResolver languages,
    IOptions<PrivacyOptions> privacyOptions,
    TimeProvider time,
    ILogger<RecordWhatsAppMessageHandler> logger)
    : ICommandHandler<RecordWhatsAppMessageCommand, WhatsAppEventOutcome>
{
    public const string Kind = "message";
    public const string AudioType = "audio";

    public async ValueTask<WhatsAppEventOutcome> Handle(RecordWhatsAppMessageCommand command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = WhatsAppIds.MessageKey(command.MessageId);
        await using var claim = await store.ClaimEventAsync(key, Kind, now, cancellationToken);
        if (claim is null)
        {
            WhatsAppLog.Duplicate(logger, Kind, key);
            return WhatsAppEventOutcome.Duplicate;
        }

        var profile = await WhatsAppProfiles.UpdateAsync(claim, command.SenderWaId, command.ContactName, now, logger, cancellationToken);
        var sender = WaId.Mask(command.SenderWaId);
        VoiceNote? note = null;
        var consent = profile?.ConsentAsOf(now, privacyOptions.Value.ReaskAfter) ?? Consent.NotAsked;
        if (command.Type == AudioType && command.Audio is { MediaId: { } mediaId } audio
            && WhatsAppIds.IsId(mediaId) && command.SenderWaId is { } senderWaId)
        {
            if (consent == Consent.Denied)
            {
                NoteNotKept(logger, command.MessageId, sender);
            }
            else
            {
                note = VoiceNote.Receive(
                    command.MessageId,
                    senderWaId,
                    profile?.Id,
                    command.BusinessPhoneNumberId,
                    mediaId,
                    audio.MimeType,
                    audio.IsVoice,
                    command.SentAt,
                    now,
                    awaitingConsent: consent == Consent.NotAsked);
                claim.Add(note);
                if (consent == Consent.NotAsked && senderWaId.Phone is { } phone)
                {
                    var language = languages.Resolve(profile, phone);
                    claim.Add(OutboxMessage.ConsentQuestion(command.MessageId, phone, language, ConsentReply.Question(language), now));
                }
            }
        }
        else if (command.ConsentAnswer is { } answer && profile is not null && command.SenderWaId is { } answeredBy)
        {
            await AnswerAsync(claim, profile, answeredBy, answer, now, cancellationToken);
        }

        await claim.CommitAsync(cancellationToken);
        WhatsAppLog.MessageReceived(logger, command.MessageId, command.Type, sender);
        if (note is not null)
        {
            WhatsAppLog.VoiceNoteQueued(logger, note.MessageId, sender, note.MimeType);
        }

        return WhatsAppEventOutcome.Recorded;
    }

    /// <summary>A yes / no from a sender with notes waiting for it: remembered, and the notes released or deleted.</summary>
    private async Task AnswerAsync(IWhatsAppEventClaim claim, Profile profile, WaId waId, bool granted, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var waiting = await claim.FindNotesAwaitingConsentAsync(waId, cancellationToken);
        if (waiting.Count == 0)
        {
            return; // not an answer to a question we asked: a "yes" in a conversation grants nothing
        }

        profile.RememberConsent(granted, now);
        foreach (var waitingNote in waiting)
        {
            if (granted)
            {
                waitingNote.ConsentGiven(now);
            }
            else
            {
                claim.Remove(waitingNote);
            }
        }

        ConsentAnswered(logger, waId.Masked, granted ? Consent.Granted : Consent.Denied, waiting.Count);
    }

    [LoggerMessage(EventId = 1562, EventName = "WA_VOICE_NOTE_NOT_KEPT", Level = LogLevel.Information, Message = "Voice note {MessageId} from {Sender} not kept: the sender refused consent")]
    private static partial void NoteNotKept(ILogger logger, string messageId, string sender);

    [LoggerMessage(EventId = 1563, EventName = "WA_CONSENT_ANSWERED", Level = LogLevel.Information, Message = "WhatsApp user {Sender} answered the consent question: {Consent} ({Notes} waiting voice notes)")]
    private static partial void ConsentAnswered(ILogger logger, string sender, Consent consent, int notes);
}
