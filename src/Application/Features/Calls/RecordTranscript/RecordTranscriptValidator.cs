using EasyMo.Application.Common.Validation;
using FluentValidation;

namespace EasyMo.Application.Features.Calls.RecordTranscript;

public sealed class RecordTranscriptValidator : AbstractValidator<RecordTranscriptCommand>
{
    public RecordTranscriptValidator()
    {
        RuleFor(command => command.Turns).NotNull().Must(turns => turns.Count <= RecordTranscriptCommand.MaxTurns)
            .WithMessage($"At most {RecordTranscriptCommand.MaxTurns} turns at a time.");
        RuleForEach(command => command.Turns).NotNull().ChildRules(turn =>
        {
            turn.RuleFor(spoken => spoken.CallId).MustNameACall();
            turn.RuleFor(spoken => spoken.Speaker).IsInEnum();
            turn.RuleFor(spoken => spoken.Text).NotNull();
            turn.RuleFor(spoken => spoken.ItemId).NotEmpty().MaximumLength(128);
        });
    }
}
