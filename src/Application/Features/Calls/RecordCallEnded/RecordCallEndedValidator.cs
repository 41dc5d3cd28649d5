using EasyMo.Domain.Calls;
using EasyMo.Application.Common.Validation;
using FluentValidation;

namespace EasyMo.Application.Features.Calls.RecordCallEnded;

public sealed class RecordCallEndedValidator : AbstractValidator<RecordCallEndedCommand>
{
    public RecordCallEndedValidator()
    {
        RuleFor(command => command.CallId).MustNameACall();
        RuleFor(command => command.Reason).IsInEnum();
        RuleFor(command => command.Quality!).ChildRules(quality =>
        {
            quality.RuleFor(q => q.Turns).InclusiveBetween(0, 1_000_000);
            quality.RuleFor(q => q.TurnP50Ms).InclusiveBetween(0, CallQuality.MaxMs);
            quality.RuleFor(q => q.TurnP95Ms).InclusiveBetween(0, CallQuality.MaxMs);
            quality.RuleFor(q => q.TurnMaxMs).InclusiveBetween(0, CallQuality.MaxMs);
            quality.RuleFor(q => q.GreetingMs).InclusiveBetween(0, CallQuality.MaxMs);
            quality.RuleFor(q => q.ToolMaxMs).InclusiveBetween(0, CallQuality.MaxMs);
        }).When(command => command.Quality is not null);
    }
}
