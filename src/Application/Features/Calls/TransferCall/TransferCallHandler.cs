using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Features.Calls.TransferCall;

/// <summary>
/// Transfers a live call, warmly when the target has a contact (<see cref="CallHandlingOptions.TransferContacts"/>): the
/// brief for the person who answers is made first (for a consented call with two lines of summary, waited for at most
/// <see cref="CallHandlingOptions.TransferBriefSummaryTimeout"/>), then the REFER is sent, and only once OpenAI took it
/// are the transfer, its activities and the brief (an outbox message, once per transfer) saved together. No transaction
/// is held across OpenAI's round trips.
/// </summary>
public sealed partial class TransferCallHandler(
    ICallStore store,
    ICallHistory history,
    ICallControls controls,
    ICallSummarizer summarizer,
    IOptions<CallHandlingOptions> options,
    TimeProvider time,
    ILogger<TransferCallHandler> logger)
    : ICommandHandler<TransferCallCommand, TransferOutcome>
{
    public async ValueTask<TransferOutcome> Handle(TransferCallCommand command, CancellationToken cancellationToken)
    {
        var call = await store.FindCallAsync(command.CallId, cancellationToken);
        if (call is not { IsLive: true })
        {
            return TransferOutcome.NotLive;
        }

        var (kind, name) = command.Trigger switch
        {
            TransferTrigger.KeyPress => (CallActivityKind.KeyPress, "0"),
            TransferTrigger.Operator => (CallActivityKind.Operator, "transfer"),
            _ => (CallActivityKind.ToolCall, AgentTools.TransferToHuman),
        };
        var settings = options.Value;
        var target = Find(settings.TransferTargets, call);
        TransferOutcome outcome;
        Brief? brief = null;
        if (target is null)
        {
            outcome = TransferOutcome.NoTarget;
        }
        else
        {
            brief = await PrepareBriefAsync(call, command.Service, settings, cancellationToken);
            var referred = await controls.For(call.Runtime).ReferAsync(call.CallId, target, cancellationToken);
            outcome = referred.Succeeded ? TransferOutcome.Transferring : TransferOutcome.Failed;
            if (referred.Succeeded)
            {
                var now = time.GetUtcNow();
                call.Transfer(target);
                store.Add(CallActivity.Record(call.Id, CallActivityKind.Transfer, "refer", target, now));
                if (brief is not null)
                {
                    store.Enqueue(OutboxMessage.TransferBrief(call.CallId, brief.Ordinal, brief.Contact, call.Language, brief.Text, now));
                }
            }
        }

        store.Add(CallActivity.Record(call.Id, kind, name, command.By is null ? StateNames.Of(outcome) : $"{StateNames.Of(outcome)} by {command.By}", time.GetUtcNow()));
        var briefed = await store.SaveWithOutboxAsync(cancellationToken);
        Transferred(logger, call.CallId, command.Trigger, outcome);
        if (outcome == TransferOutcome.Transferring && brief is not null)
        {
            if (briefed)
            {
                BriefQueued(logger, call.CallId, brief.Ordinal, PhoneNumber.Mask(brief.Contact.Value), brief.Consented, brief.SummaryLines);
            }
            else
            {
                BriefDuplicate(logger, call.CallId, brief.Ordinal);
            }
        }

        return outcome;
    }

    /// <summary>
    /// The brief for this transfer, or null when nobody answers the target on WhatsApp. Without the caller's consent it says
    /// the language and the service only: no transcript is read, no summary asked for, no name, no request.
    /// </summary>
    private async Task<Brief?> PrepareBriefAsync(Call call, string? service, CallHandlingOptions settings, CancellationToken cancellationToken)
    {
        if (Find(settings.TransferContacts, call) is not { } configured || !PhoneNumber.TryParse(configured, out var contact))
        {
            return null;
        }

        // The transfers made so far (each REFER OpenAI took): this one is the next. A concurrent request for the same
        // transfer counts the same, and its brief's key is taken already.
        var activities = await history.GetActivitiesAsync(call.Id, cancellationToken);
        var ordinal = activities.Count(activity => activity.Kind == CallActivityKind.Transfer) + 1;
        var named = EasyMoServices.IsKnown(service) ? service : null;
        if (!call.KeepsContent)
        {
            return new Brief(ordinal, contact, TransferBriefs.WithoutConsent(call.Language, named), Consented: false, SummaryLines: 0);
        }

        var requests = await history.GetRequestsAsync(call.Id, cancellationToken);
        var name = call.Identity == CallerIdentity.Verified && call.ProfileId is { } profileId
            ? (await store.FindProfileByIdAsync(profileId, cancellationToken))?.Name
            : null;
        var summary = await SummaryLinesAsync(call, settings.TransferBriefSummaryTimeout, cancellationToken);
        var text = TransferBriefs.Consented(call.Language, name, named, requests.Count > 0 ? requests[^1] : null, summary);
        return new Brief(ordinal, contact, text, Consented: true, summary.Count);
    }

    /// <summary>Two lines on the conversation so far, or none when there is no transcript, or it failed or took too long.</summary>
    private async Task<IReadOnlyList<string>> SummaryLinesAsync(Call call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var transcript = await history.GetTranscriptAsync(call.Id, cancellationToken);
        if (transcript.All(turn => string.IsNullOrWhiteSpace(turn.Text)))
        {
            return [];
        }

        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return TransferBriefs.SummaryLines(await summarizer.BriefAsync(transcript, call.Language, linked.Token));
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = deadline.IsCancellationRequested ? "timed out" : exception is SummaryUnavailableException ? exception.Message : exception.GetType().Name;
            BriefWithoutSummary(logger, call.CallId, reason);
            return [];
        }
    }

    private static string? Find(Dictionary<string, string> entries, Call call) =>
        CallHandlingOptions.TransferKeys(call.Language.Code, call.Channel.Name())
            .Select(key => entries.TryGetValue(key, out var value) ? value : null)
            .FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));

    private sealed record Brief(int Ordinal, PhoneNumber Contact, string Text, bool Consented, int SummaryLines);

    [LoggerMessage(EventId = 1200, EventName = "OPENAI_SIP_CALL_TRANSFER", Level = LogLevel.Information,
        Message = "Transfer of call {CallId} ({Trigger}): {Outcome}")]
    private static partial void Transferred(ILogger logger, OpenAiCallId callId, TransferTrigger trigger, TransferOutcome outcome);

    [LoggerMessage(EventId = 1201, EventName = "OPENAI_SIP_CALL_TRANSFER_BRIEF", Level = LogLevel.Information,
        Message = "Brief of transfer {Ordinal} of call {CallId} queued for {Recipient} (consented {Consented}, {SummaryLines} summary lines)")]
    private static partial void BriefQueued(ILogger logger, OpenAiCallId callId, int ordinal, string recipient, bool consented, int summaryLines);

    [LoggerMessage(EventId = 1202, EventName = "OPENAI_SIP_CALL_TRANSFER_BRIEF_DUPLICATE", Level = LogLevel.Information,
        Message = "Brief of transfer {Ordinal} of call {CallId} was queued already")]
    private static partial void BriefDuplicate(ILogger logger, OpenAiCallId callId, int ordinal);

    [LoggerMessage(EventId = 1203, EventName = "OPENAI_SIP_CALL_TRANSFER_BRIEF_NO_SUMMARY", Level = LogLevel.Warning,
        Message = "Brief of call {CallId} goes without its summary: {Reason}")]
    private static partial void BriefWithoutSummary(ILogger logger, OpenAiCallId callId, string reason);
}
