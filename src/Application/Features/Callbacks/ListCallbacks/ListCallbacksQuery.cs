using EasyMo.Domain.Callbacks;
using EasyMo.Domain.Common;
using FluentValidation;
using Mediator;

namespace EasyMo.Application.Features.Callbacks.ListCallbacks;

/// <summary>The latest calls back, newest first: <paramref name="Status"/> (a state name, or null for any), at most <paramref name="Limit"/> (1-200, default 50).</summary>
public sealed record ListCallbacksQuery(string? Status = null, string? Limit = null) : IQuery<IReadOnlyList<CallbackItem>>;

public sealed class ListCallbacksValidator : AbstractValidator<ListCallbacksQuery>
{
    public ListCallbacksValidator()
    {
        RuleFor(query => query.Status)
            .Must(status => status is null || StateNames.All<CallbackStatus>().Contains(status))
            .WithName("status").WithMessage($"status must be one of {string.Join(", ", StateNames.All<CallbackStatus>())}.");
        RuleFor(query => query.Limit)
            .Must(limit => limit is null || (int.TryParse(limit, out var value) && value is >= 1 and <= 200))
            .WithName("limit").WithMessage("limit must be a whole number from 1 to 200.");
    }
}

public sealed class ListCallbacksHandler(Common.Abstractions.ICallbackStore callbacks) : IQueryHandler<ListCallbacksQuery, IReadOnlyList<CallbackItem>>
{
    public async ValueTask<IReadOnlyList<CallbackItem>> Handle(ListCallbacksQuery query, CancellationToken cancellationToken)
    {
        var status = query.Status is null ? (CallbackStatus?)null : StateNames.Parse<CallbackStatus>(query.Status);
        var rows = await callbacks.ListAsync(status, query.Limit is null ? 50 : int.Parse(query.Limit, System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        return [.. rows.Select(CallbackItem.From)];
    }
}
