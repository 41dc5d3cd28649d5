using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.WhatsApp;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppCallRecording;

/// <summary>
/// Keeps the reference of a call's recording or transcription only when the caller consented (docs/privacy.md);
/// otherwise the event is claimed (so redeliveries are recognised), nothing of it is kept, and it is counted as ignored.
/// </summary>
public sealed partial class RecordWhatsAppCallRecordingHandler(IWhatsAppStore store, TimeProvider time, ILogger<RecordWhatsAppCallRecordingHandler> logger)
    : ICommandHandler<RecordWhatsAppCallRecordingCommand, WhatsAppEventOutcome>
{
    public const string Kind = "call_recording";

    public async ValueTask<WhatsAppEventOutcome> Handle(RecordWhatsAppCallRecordingCommand command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = $"call:{command.WhatsAppCallId}:{command.Kind}";
        await using var claim = await store.ClaimEventAsync(key, Kind, now, cancellationToken);
        if (claim is null)
        {
            WhatsAppLog.Duplicate(logger, Kind, key);
            return WhatsAppEventOutcome.Duplicate;
        }

        var (profileId, granted) = await claim.FindCallConsentAsync(command.WhatsAppCallId, command.UserWaId, cancellationToken);
        if (granted)
        {
            claim.Add(CallRecording.Keep(command.WhatsAppCallId, command.Kind, profileId, command.Reference, now));
        }

        await claim.CommitAsync(cancellationToken);
        if (!granted)
        {
            NotKept(logger, command.Kind, command.WhatsAppCallId);
            return WhatsAppEventOutcome.Ignored;
        }

        Kept(logger, command.Kind, command.WhatsAppCallId);
        return WhatsAppEventOutcome.Recorded;
    }

    [LoggerMessage(EventId = 1560, EventName = "WA_CALL_RECORDING_KEPT", Level = LogLevel.Information, Message = "WhatsApp call {WhatsAppCallId}: {Kind} reference kept (the caller consented)")]
    private static partial void Kept(ILogger logger, string kind, string whatsAppCallId);

    [LoggerMessage(EventId = 1561, EventName = "WA_CALL_RECORDING_IGNORED", Level = LogLevel.Information, Message = "WhatsApp call {WhatsAppCallId}: {Kind} ignored, the caller did not consent")]
    private static partial void NotKept(ILogger logger, string kind, string whatsAppCallId);
}
