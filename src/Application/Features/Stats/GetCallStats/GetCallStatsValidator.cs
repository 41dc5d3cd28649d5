using FluentValidation;

namespace EasyMo.Application.Features.Stats.GetCallStats;

public sealed class GetCallStatsValidator : AbstractValidator<GetCallStatsQuery>
{
    public GetCallStatsValidator() =>
        RuleFor(query => query.Days).Must(days => GetCallStatsQuery.TryParseDays(days, out _))
            .OverridePropertyName("days").WithMessage($"days must be a whole number from 1 to {GetCallStatsQuery.MaxDays}.");
}
