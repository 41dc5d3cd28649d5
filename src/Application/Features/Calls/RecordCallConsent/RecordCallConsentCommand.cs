using EasyMo.Domain.Calls;
using EasyMo.Domain.Privacy;
using Mediator;

namespace EasyMo.Application.Features.Calls.RecordCallConsent;

/// <summary>
/// The caller answered the consent question during a live call: by voice (the agent's <c>record_consent</c> tool) or
/// by keypad (1 = yes, 2 = no). The answer goes on the call and is remembered on the caller's profile.
/// </summary>
public sealed record RecordCallConsentCommand(OpenAiCallId CallId, bool Granted, ConsentSource Source) : ICommand<Consent?>;

public enum ConsentSource
{
    Voice,
    Keypad,
}
