using EasyMo.Domain.Common;
using FluentValidation;

namespace EasyMo.Application.Features.Calls.ListCalls;

/// <summary>Every query value is checked here, each error under the name of its query parameter.</summary>
public sealed class ListCallsValidator : AbstractValidator<ListCallsQuery>
{
    public ListCallsValidator()
    {
        RuleFor(query => query.Status).Must(value => CallListParameters.IsOneOf(value, CallListParameters.Statuses))
            .OverridePropertyName("status").WithMessage($"status must be one of {string.Join(", ", CallListParameters.Statuses)}.");
        RuleFor(query => query.Channel).Must(value => CallListParameters.IsOneOf(value, CallListParameters.Channels))
            .OverridePropertyName("channel").WithMessage("channel must be whatsapp or phone.");
        RuleFor(query => query.Identity).Must(value => CallListParameters.IsOneOf(value, CallListParameters.Identities))
            .OverridePropertyName("identity").WithMessage("identity must be verified or unverified.");
        RuleFor(query => query.Language).Must(value => CallListParameters.IsOneOf(value, CallListParameters.Languages))
            .OverridePropertyName("language").WithMessage("language must be en, fr or rw.");
        RuleFor(query => query.Outcome).Must(value => CallListParameters.IsOneOf(value, CallListParameters.Outcomes))
            .OverridePropertyName("outcome").WithMessage($"outcome must be one of {string.Join(", ", CallListParameters.Outcomes)}.");
        RuleFor(query => query.Service).Must(value => CallListParameters.IsOneOf(value, CallListParameters.Services))
            .OverridePropertyName("service").WithMessage($"service must be one of {string.Join(", ", CallListParameters.Services)}.");
        RuleFor(query => query.Sentiment).Must(value => CallListParameters.IsOneOf(value, CallListParameters.Sentiments))
            .OverridePropertyName("sentiment").WithMessage($"sentiment must be one of {string.Join(", ", CallListParameters.Sentiments)}.");
        RuleFor(query => query.From).Must(value => value is null || CallListParameters.TryParseInstant(value, out _))
            .OverridePropertyName("from").WithMessage("from must be an ISO-8601 instant (2026-11-24T08:00:00Z) or date (2026-11-24).");
        RuleFor(query => query.To).Must(value => value is null || CallListParameters.TryParseInstant(value, out _))
            .OverridePropertyName("to").WithMessage("to must be an ISO-8601 instant (2026-11-24T08:00:00Z) or date (2026-11-24).");
        RuleFor(query => query)
            .Must(query => !CallListParameters.TryParseInstant(query.From, out var from) || !CallListParameters.TryParseInstant(query.To, out var to) || from < to)
            .OverridePropertyName("to").WithMessage("to must be after from (to is exclusive).");
        RuleFor(query => query.Caller).Must(value => value is null || PhoneNumber.TryParse(value, out _))
            .OverridePropertyName("caller").WithMessage("caller must be an E.164 phone number, with or without '+'.");
        RuleFor(query => query.Limit).Must(value => CallListParameters.TryParseLimit(value, out _))
            .OverridePropertyName("limit").WithMessage($"limit must be a whole number from 1 to {CallListParameters.MaxLimit}.");
        RuleFor(query => query.Page).Must(value => value is null || CallListParameters.TryDecodePage(value, out _))
            .OverridePropertyName("page").WithMessage("page must be the nextPage token of a previous answer.");
    }
}
