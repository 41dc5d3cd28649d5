using EasyMo.Domain.Messaging;
using EasyMo.Domain.WhatsApp;
using EasyMo.Infrastructure.Persistence;
using EasyMo.Infrastructure.Work;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyMo.Infrastructure.WhatsApp;

/// <summary>
/// Drains <c>outbox_messages</c> through the Graph API, on every instance at once, as a work of the
/// <see cref="WorkRunner{TWork,TKey}"/>: due pending messages are claimed in batches under a lease (their
/// <c>next_attempt_at</c> pushed to its end, by the database's clock) and sent one by one; a result is saved only while
/// the row still carries this lease (a concurrency token). A message whose dispatcher stopped or died is due again when
/// the lease ends: sent at least once, recorded once.
/// </summary>
internal sealed partial class OutboxDispatcher(
    IOptions<OutboxOptions> options,
    IOptions<WhatsAppOptions> whatsApp,
    ILogger<OutboxDispatcher> logger) : ILeasedWork<Guid>
{
    /// <summary>What a send gets beyond its request timeout, for the database work around the request.</summary>
    private static readonly TimeSpan ItemMargin = TimeSpan.FromSeconds(1);

    public string Name => "outbox";

    public WorkSchedule Schedule => new(
        options.Value.SweepInterval, options.Value.BatchSize, options.Value.LeaseDuration, whatsApp.Value.RequestTimeout + ItemMargin);

    public bool CanRun()
    {
        if (!options.Value.Enabled)
        {
            Disabled(logger);
            return false;
        }

        if (!whatsApp.Value.CanSend)
        {
            NotConfigured(logger);
            return false;
        }

        return true;
    }

    public Task<IReadOnlyList<WorkItem<Guid>>> ClaimAsync(IServiceProvider services, TimeSpan lease, int limit, CancellationToken cancellationToken) =>
        DueRows.ClaimAsync<Guid>(services.GetRequiredService<EasyMoDbContext>(), DueRows.OutboxMessages, lease, limit, cancellationToken);

    public Task ProcessAsync(IServiceProvider services, WorkItem<Guid> item, CancellationToken cancellationToken) =>
        DispatchAsync(services, item, cancellationToken);

    private async Task DispatchAsync(IServiceProvider services, WorkItem<Guid> item, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<EasyMoDbContext>();
        var (id, leaseUntil) = (item.Key, item.LeaseUntil);
        var message = await db.OutboxMessages.SingleOrDefaultAsync(
            row => row.Id == id && row.Status == OutboxStatus.Pending && row.NextAttemptAt == leaseUntil, cancellationToken);
        if (message is null)
        {
            LeaseLost(logger, id);
            return;
        }

        var settings = options.Value;
        var recipient = WaId.Mask(WaId.From(message.Recipient));
        var request = message.Kind == OutboxMessageKind.Template
            ? GraphSendMessageRequest.ForTemplate(message.Recipient, message.TemplateName!, message.TemplateLanguage!)
            : GraphSendMessageRequest.ForText(message.Recipient, message.Body);
        var result = await services.GetRequiredService<WhatsAppGraphClient>().SendAsync(request, cancellationToken);
        var now = item.DatabaseNow; // retries are due by the database's clock, which compares them
        switch (result.Outcome)
        {
            case GraphSendOutcome.Sent:
                message.MarkSent(result.ProviderMessageId, now);
                await db.SaveChangesAsync(cancellationToken);
                Sent(logger, message.Id, message.DeduplicationKey, recipient, message.Kind, result.ProviderMessageId, message.Attempts);
                break;

            case GraphSendOutcome.OutsideWindow when message.Kind == OutboxMessageKind.Text && message.MayFallBackToTemplate
                && whatsApp.Value.FallbackTemplate is { Name: { Length: > 0 } template } fallback:
                var language = string.IsNullOrWhiteSpace(fallback.Language) ? message.Language.Code : fallback.Language;
                message.SwitchToTemplate(template, language, result.ErrorCode, now);
                await db.SaveChangesAsync(cancellationToken);
                SwitchedToTemplate(logger, message.Id, message.DeduplicationKey, recipient, template, language);
                break;

            case GraphSendOutcome.OutsideWindow:
                var reason = message.Kind != OutboxMessageKind.Text ? "template refused outside the 24-hour window"
                    : message.MayFallBackToTemplate ? "outside the 24-hour window and no WhatsApp:FallbackTemplate:Name configured"
                    : "outside the 24-hour window: the contact has not written to the business number in 24 hours (no template for a brief)";
                await GiveUpAsync(db, message, result.ErrorCode, reason, recipient, now, cancellationToken);
                break;

            case GraphSendOutcome.Retry when message.Attempts + 1 >= settings.MaxAttempts:
                await GiveUpAsync(db, message, result.ErrorCode, $"{result.Reason}; gave up after {settings.MaxAttempts} attempts", recipient, now, cancellationToken);
                break;

            case GraphSendOutcome.Retry:
                var delay = RetryBackoff.After(message.Attempts + 1, settings.BaseDelay, settings.MaxDelay);
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

    [LoggerMessage(EventId = 1558, EventName = "WA_OUTBOX_DISABLED", Level = LogLevel.Information,
        Message = "The WhatsApp outbox is not drained on this instance (Outbox:Enabled = false)")]
    private static partial void Disabled(ILogger logger);

    [LoggerMessage(EventId = 1559, EventName = "WA_OUTBOX_NOT_CONFIGURED", Level = LogLevel.Warning,
        Message = "WhatsApp sending is not configured (WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID): outbox messages stay pending")]
    private static partial void NotConfigured(ILogger logger);
}
