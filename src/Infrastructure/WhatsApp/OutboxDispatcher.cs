using System.Diagnostics;
using EasyMo.Application.WhatsApp;
using EasyMo.Domain.Messaging;
using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyMo.Infrastructure.WhatsApp;

/// <summary>
/// Drains <c>outbox_messages</c> through the Graph API, on every instance at once. Every
/// <see cref="OutboxOptions.SweepInterval"/> it claims due pending messages in one statement
/// (<c>FOR UPDATE SKIP LOCKED</c>, <c>next_attempt_at</c> pushed to the end of a lease) and sends them one by one, each
/// in a DI scope of its own; the result is saved only while the row still carries this dispatcher's lease (a
/// concurrency token), and a send that could outlast the lease is not started. A message whose dispatcher stopped or
/// died is due again when the lease ends: sent at least once, recorded once.
/// </summary>
internal sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IOptions<OutboxOptions> options,
    IOptions<WhatsAppOptions> whatsApp,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    /// <summary>What an item gets beyond its request timeout, for the database work around the request.</summary>
    private static readonly TimeSpan ItemMargin = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            Disabled(logger);
            return;
        }

        if (!whatsApp.Value.CanSend)
        {
            NotConfigured(logger);
            return;
        }

        using var timer = new PeriodicTimer(settings.SweepInterval, time);
        try
        {
            do
            {
                await SweepAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: claimed messages not yet sent are due again when their lease ends.
        }
    }

    /// <summary>Sends the messages due now, batch after batch; returns how many were claimed.</summary>
    internal async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var claimedInAll = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            IReadOnlyList<DueRows.Leased> claimed;
            long claimedAt;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                claimedAt = Stopwatch.GetTimestamp();
                claimed = await DueRows.ClaimAsync(
                    scope.ServiceProvider.GetRequiredService<EasyMoDbContext>(), DueRows.OutboxMessages, settings.LeaseDuration, settings.BatchSize, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                SweepFailed(logger, exception.GetType().Name);
                return claimedInAll;
            }

            foreach (var (id, leaseUntil) in claimed)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                // What is left of the lease, measured here: the lease itself is on the database's clock.
                if (settings.LeaseDuration - Stopwatch.GetElapsedTime(claimedAt) <= whatsApp.Value.RequestTimeout)
                {
                    // Too little of the lease is left for a send: the rest of the batch is due again when it ends.
                    LeaseRunningOut(logger, claimed.Count);
                    break;
                }

                try
                {
                    // One send's deadline, response body included (the client's timeouts end with the headers).
                    using var deadline = new CancellationTokenSource(whatsApp.Value.RequestTimeout + ItemMargin, time);
                    using var item = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
                    await using var scope = scopes.CreateAsyncScope();
                    await DispatchAsync(scope.ServiceProvider, id, leaseUntil, item.Token);
                }
                catch (DbUpdateConcurrencyException)
                {
                    LeaseLost(logger, id);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // A database error after a send, say: the message is due again after its lease (sent at least once).
                    DispatchError(logger, id, exception.GetType().Name);
                }
            }

            claimedInAll += claimed.Count;
            if (claimed.Count < settings.BatchSize)
            {
                break;
            }
        }

        return claimedInAll;
    }

    private async Task DispatchAsync(IServiceProvider services, Guid id, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<EasyMoDbContext>();
        var message = await db.OutboxMessages.SingleOrDefaultAsync(
            row => row.Id == id && row.Status == OutboxStatus.Pending && row.NextAttemptAt == leaseUntil, cancellationToken);
        if (message is null)
        {
            LeaseLost(logger, id);
            return;
        }

        var settings = options.Value;
        var recipient = WhatsAppIds.Mask(message.Recipient);
        var request = message.Kind == OutboxMessageKind.Template
            ? GraphSendMessageRequest.ForTemplate(message.Recipient, message.TemplateName!, message.TemplateLanguage!)
            : GraphSendMessageRequest.ForText(message.Recipient, message.Body);
        var result = await services.GetRequiredService<WhatsAppGraphClient>().SendAsync(request, cancellationToken);
        var now = time.GetUtcNow();
        switch (result.Outcome)
        {
            case GraphSendOutcome.Sent:
                message.MarkSent(result.ProviderMessageId, now);
                await db.SaveChangesAsync(cancellationToken);
                Sent(logger, message.Id, message.DeduplicationKey, recipient, message.Kind, result.ProviderMessageId, message.Attempts);
                break;

            case GraphSendOutcome.OutsideWindow when message.Kind == OutboxMessageKind.Text
                && whatsApp.Value.FallbackTemplate is { Name: { Length: > 0 } template } fallback:
                var language = string.IsNullOrWhiteSpace(fallback.Language) ? message.Language.Code : fallback.Language;
                message.SwitchToTemplate(template, language, result.ErrorCode, now);
                await db.SaveChangesAsync(cancellationToken);
                SwitchedToTemplate(logger, message.Id, message.DeduplicationKey, recipient, template, language);
                break;

            case GraphSendOutcome.OutsideWindow:
                var reason = message.Kind == OutboxMessageKind.Text
                    ? "outside the 24-hour window and no WhatsApp:FallbackTemplate:Name configured"
                    : "template refused outside the 24-hour window";
                await GiveUpAsync(db, message, result.ErrorCode, reason, recipient, now, cancellationToken);
                break;

            case GraphSendOutcome.Retry when message.Attempts + 1 >= settings.MaxAttempts:
                await GiveUpAsync(db, message, result.ErrorCode, $"{result.Reason}; gave up after {settings.MaxAttempts} attempts", recipient, now, cancellationToken);
                break;

            case GraphSendOutcome.Retry:
                var delay = Backoff(settings, message.Attempts + 1);
                message.RetryAt(now + delay, result.ErrorCode, result.Reason ?? "failed", now);
                await db.SaveChangesAsync(cancellationToken);
                Retrying(logger, message.Id, message.DeduplicationKey, recipient, result.ErrorCode, result.Reason, message.Attempts, delay);
                break;

            default:
                await GiveUpAsync(db, message, result.ErrorCode, result.Reason ?? "refused", recipient, now, cancellationToken);
                break;
        }
    }

    private async Task GiveUpAsync(
        EasyMoDbContext db, OutboxMessage message, int? code, string reason, string recipient, DateTimeOffset now, CancellationToken cancellationToken)
    {
        message.GiveUp(code, reason, now);
        await db.SaveChangesAsync(cancellationToken);
        GaveUp(logger, message.Id, message.DeduplicationKey, recipient, code, reason, message.Attempts);
    }

    /// <summary>Exponential from <see cref="OutboxOptions.BaseDelay"/> after attempt <paramref name="attempts"/>, jittered ±50 %, capped.</summary>
    internal static TimeSpan Backoff(OutboxOptions settings, int attempts)
    {
        var exponential = settings.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var capped = Math.Min(exponential, settings.MaxDelay.TotalMilliseconds);
        var jittered = capped * (0.5 + Random.Shared.NextDouble());
        return TimeSpan.FromMilliseconds(Math.Min(jittered, settings.MaxDelay.TotalMilliseconds));
    }

    [LoggerMessage(EventId = 1550, EventName = "WA_OUTBOX_SENT", Level = LogLevel.Information,
        Message = "Outbox message {OutboxMessageId} ({DeduplicationKey}) sent to {Recipient} as {Kind}: {ProviderMessageId}, attempt {Attempts}")]
    private static partial void Sent(ILogger logger, Guid outboxMessageId, string deduplicationKey, string recipient, OutboxMessageKind kind, string? providerMessageId, int attempts);

    [LoggerMessage(EventId = 1551, EventName = "WA_OUTBOX_RETRY", Level = LogLevel.Warning,
        Message = "Outbox message {OutboxMessageId} ({DeduplicationKey}) to {Recipient} failed ({ErrorCode}, {Reason}) at attempt {Attempts}; trying again in {Delay}")]
    private static partial void Retrying(ILogger logger, Guid outboxMessageId, string deduplicationKey, string recipient, int? errorCode, string? reason, int attempts, TimeSpan delay);

    [LoggerMessage(EventId = 1552, EventName = "WA_OUTBOX_GIVEN_UP", Level = LogLevel.Warning,
        Message = "Outbox message {OutboxMessageId} ({DeduplicationKey}) to {Recipient} given up after {Attempts} attempts: {ErrorCode}, {Reason}")]
    private static partial void GaveUp(ILogger logger, Guid outboxMessageId, string deduplicationKey, string recipient, int? errorCode, string reason, int attempts);

    [LoggerMessage(EventId = 1553, EventName = "WA_OUTBOX_TEMPLATE", Level = LogLevel.Information,
        Message = "Outbox message {OutboxMessageId} ({DeduplicationKey}) to {Recipient} is outside the 24-hour window; sending template {TemplateName} ({TemplateLanguage})")]
    private static partial void SwitchedToTemplate(ILogger logger, Guid outboxMessageId, string deduplicationKey, string recipient, string templateName, string templateLanguage);

    [LoggerMessage(EventId = 1554, EventName = "WA_OUTBOX_LEASE_LOST", Level = LogLevel.Warning,
        Message = "Outbox message {OutboxMessageId} is no longer held by this instance; its result is left to the holder")]
    private static partial void LeaseLost(ILogger logger, Guid outboxMessageId);

    [LoggerMessage(EventId = 1555, EventName = "WA_OUTBOX_LEASE_RUNNING_OUT", Level = LogLevel.Warning,
        Message = "Too little of the outbox lease is left to send the rest of a batch of {Count}; those messages are due again when it ends")]
    private static partial void LeaseRunningOut(ILogger logger, int count);

    [LoggerMessage(EventId = 1556, EventName = "WA_OUTBOX_ERROR", Level = LogLevel.Error,
        Message = "Dispatching outbox message {OutboxMessageId} failed ({ExceptionType}); it is due again when its lease ends")]
    private static partial void DispatchError(ILogger logger, Guid outboxMessageId, string exceptionType);

    [LoggerMessage(EventId = 1557, EventName = "WA_OUTBOX_SWEEP_FAILED", Level = LogLevel.Warning,
        Message = "Could not look for due outbox messages ({ExceptionType}); trying again at the next sweep")]
    private static partial void SweepFailed(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 1558, EventName = "WA_OUTBOX_DISABLED", Level = LogLevel.Information,
        Message = "The WhatsApp outbox is not drained on this instance (Outbox:Enabled = false)")]
    private static partial void Disabled(ILogger logger);

    [LoggerMessage(EventId = 1559, EventName = "WA_OUTBOX_NOT_CONFIGURED", Level = LogLevel.Warning,
        Message = "WhatsApp sending is not configured (WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID): outbox messages stay pending")]
    private static partial void NotConfigured(ILogger logger);
}
