using EasyMo.Domain.WhatsApp;
using Mediator;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppCallRecording;

/// <summary>
/// WhatsApp made a recording or a transcription of a call available (<c>call_recording_available</c>,
/// <c>call_transcription_available</c>; payload unconfirmed). <paramref name="Reference"/> is what identifies the media
/// (ids, URLs) as a JSON object, never the media or the text.
/// </summary>
public sealed record RecordWhatsAppCallRecordingCommand(string WhatsAppCallId, string Kind, WaId? UserWaId, string Reference)
    : ICommand<WhatsAppEventOutcome>;
