using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Privacy;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.Calls.RecordCallConsent;

/// <summary>
/// Records the answer on the call and on the profile. A caller who withdraws consent during the call has what was
/// kept of the call so far (transcript, requests) deleted at once. Returns the call's consent, or null when the call
/// is not live.
/// </summary>
public sealed partial class RecordCallConsentHandler(ICallStore store, TimeProvider time, ILogger<RecordCallConsentHandler> logger)
    : ICommandHandler<RecordCallConsentCommand, Consent?>
{
    public async ValueTask<Consent?> Handle(RecordCallConsentCommand command, CancellationToken cancellationToken)
    {
        var call = await store.FindCallAsync(command.CallId, cancellationToken);
        if (call is not { IsLive: true })
        {
            return null;
        }

        var now = time.GetUtcNow();
        var changed = call.RecordConsent(command.Granted, now);
        if (call.ProfileId is { } profileId && await store.FindProfileByIdAsync(profileId, cancellationToken) is { } profile)
        {
            profile.RememberConsent(command.Granted, now);
        }

        store.Add(CallActivity.Record(call.Id, command.Source == ConsentSource.Keypad ? CallActivityKind.KeyPress : CallActivityKind.ToolCall, AgentTools.RecordConsent, $"{(command.Granted ? "granted" : "denied")} by {command.Source.ToString().ToLowerInvariant()}", now));
        await store.SaveChangesAsync(cancellationToken);
        if (changed && !command.Granted)
        {
            await store.ForgetCallContentAsync(call.Id, cancellationToken);
        }

        Recorded(logger, call.CallId, call.Consent, command.Source);
        return call.Consent;
    }

    [LoggerMessage(EventId = 1360, EventName = "CALL_CONSENT_RECORDED", Level = LogLevel.Information, Message = "Call {CallId}: consent {Consent} ({Source})")]
    private static partial void Recorded(ILogger logger, OpenAiCallId callId, Consent consent, ConsentSource source);
}
