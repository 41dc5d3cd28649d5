using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.WhatsApp;
using EasyMo.Domain.WhatsApp;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppMessage;

public sealed class RecordWhatsAppMessageHandler(IWhatsAppStore store, TimeProvider time, ILogger<RecordWhatsAppMessageHandler> logger)
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
        var sender = WhatsAppIds.Mask(command.SenderWaId);
        VoiceNote? note = null;
        if (command.Type == AudioType && command.Audio is { MediaId: { } mediaId } audio
            && WhatsAppIds.IsId(mediaId) && WhatsAppIds.IsWaId(command.SenderWaId))
        {
            note = VoiceNote.Receive(
                command.MessageId,
                command.SenderWaId,
                profile?.Id,
                command.BusinessPhoneNumberId,
                mediaId,
                audio.MimeType,
                audio.IsVoice,
                command.SentAt,
                now);
            claim.Add(note);
        }

        await claim.CommitAsync(cancellationToken);
        WhatsAppLog.MessageReceived(logger, command.MessageId, command.Type, sender);
        if (note is not null)
        {
            WhatsAppLog.VoiceNoteQueued(logger, note.MessageId, sender, note.MimeType);
        }

        return WhatsAppEventOutcome.Recorded;
    }
}
