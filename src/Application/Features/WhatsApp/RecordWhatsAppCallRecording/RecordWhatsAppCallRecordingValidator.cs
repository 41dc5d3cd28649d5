using EasyMo.Domain.WhatsApp;
using FluentValidation;

namespace EasyMo.Application.Features.WhatsApp.RecordWhatsAppCallRecording;

public sealed class RecordWhatsAppCallRecordingValidator : AbstractValidator<RecordWhatsAppCallRecordingCommand>
{
    public RecordWhatsAppCallRecordingValidator()
    {
        RuleFor(command => command.WhatsAppCallId).MustBeAWhatsAppId();
        RuleFor(command => command.Kind).Must(kind => kind is "recording" or "transcription");
        RuleFor(command => command.Reference).NotEmpty().MaximumLength(CallRecording.MaxReferenceLength);
    }
}
