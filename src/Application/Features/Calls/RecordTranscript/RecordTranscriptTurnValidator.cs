using EasyMo.Application.Common.Validation;
using FluentValidation;

namespace EasyMo.Application.Features.Calls.RecordTranscript;

public sealed class RecordTranscriptTurnValidator : AbstractValidator<RecordTranscriptTurnCommand>
{
    public RecordTranscriptTurnValidator()
    {
        RuleFor(command => command.CallId).MustNameACall();
        RuleFor(command => command.Speaker).IsInEnum();
        RuleFor(command => command.Text).NotNull();
        RuleFor(command => command.ItemId).NotEmpty().MaximumLength(128);
    }
}
