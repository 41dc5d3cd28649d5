using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Common.Metrics;
using EasyMo.Application.Features.Calls;
using EasyMo.Domain.Callbacks;
using EasyMo.Domain.Common;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.Callbacks.RequestCallback;

/// <summary>
/// Queues a call back an operator asked for, under the same rules as one the service offers: one open per number, the
/// day's limit, never to a blocked caller, in the caller's language (profile, else country).
/// </summary>
public sealed class RequestCallbackHandler(
    ICallbackStore callbacks,
    ICallStore calls,
    CallbackPolicy policy,
    LanguageResolver languages,
    EasyMoMetrics metrics,
    TimeProvider time,
    ILogger<RequestCallbackHandler> logger)
    : ICommandHandler<RequestCallbackCommand, RequestCallbackResult>
{
    public async ValueTask<RequestCallbackResult> Handle(RequestCallbackCommand command, CancellationToken cancellationToken)
    {
        if (!policy.IsOn)
        {
            return new RequestCallbackResult(RequestCallbackOutcome.Off);
        }

        var phone = PhoneNumber.Parse(command.Phone);
        var profile = await calls.ReadProfileAsync(phone, cancellationToken);
        if (profile is { Blocked: true })
        {
            return new RequestCallbackResult(RequestCallbackOutcome.Blocked);
        }

        var callback = policy.Offer(phone, profile?.Id, languages.Resolve(profile, phone), CallbackReason.Operator, originCallId: null, time.GetUtcNow(), command.RequestedBy);
        var offer = await callbacks.OfferAsync(callback, policy.MaxPerNumberPerDay, cancellationToken);
        CallbackLog.Requested(logger, callback.RequestedBy ?? "operator", phone.Masked, offer);
        switch (offer)
        {
            case CallbackOffer.Queued:
                metrics.Callback(StateNames.Of(CallbackStatus.Queued));
                return new RequestCallbackResult(RequestCallbackOutcome.Queued, CallbackItem.From(callback));
            case CallbackOffer.AlreadyOpen:
                return new RequestCallbackResult(RequestCallbackOutcome.AlreadyOpen);
            default:
                return new RequestCallbackResult(RequestCallbackOutcome.LimitReached);
        }
    }
}
