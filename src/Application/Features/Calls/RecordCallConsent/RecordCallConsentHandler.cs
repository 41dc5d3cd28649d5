using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Privacy;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EasyMo.Application.Features.Calls.RecordCallConsent;

/// <summary>
/// Records the answer on the call and on the profile, and as the call's activity, in one statement. A caller who
/// withdraws consent during the call has what was kept of the call so far (transcript, requests) deleted at once. Returns
/// the call's consent, or null when the call is not accepted.
/// </summary>
public sealed partial class RecordCallConsentHandler(ICallStore store, TimeProvider time, ILogger<RecordCallConsentHandler> logger)
    : ICommandHandler<RecordCallConsentCommand, Consent?>
{
    public async ValueTask<Consent?> Handle(RecordCallConsentCommand command, CancellationToken cancellationToken)
    {
        // One statement (ICallStore.RecordConsentAsync): on the monitor's path, once per call.
        var detail = $"{(command.Granted ? "granted" : "denied")} by {command.Source.ToString().ToLowerInvariant()}";
        var kind = command.Source == ConsentSource.Keypad ? CallActivityKind.KeyPress : CallActivityKind.ToolCall;
        var consent = command.Granted ? Consent.Granted : Consent.Denied;
        var recorded = await store.RecordConsentAsync(command.CallId, consent, kind, detail, time.GetUtcNow(), cancellationToken);
        if (recorded is null)
        {
            return null;
        }

        if (recorded.Changed && !command.Granted)
        {
            await store.ForgetCallContentAsync(recorded.CallRowId, cancellationToken);
        }

        Recorded(logger, command.CallId, consent, command.Source);
        return consent;
    }

    [LoggerMessage(EventId = 1360, EventName = "CALL_CONSENT_RECORDED", Level = LogLevel.Information, Message = "Call {CallId}: consent {Consent} ({Source})")]
    private static partial void Recorded(ILogger logger, OpenAiCallId callId, Consent consent, ConsentSource source);
}
