using System.Text.Json;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Application.Features.Calls.RecordCallConsent;
using EasyMo.Application.Features.Calls.TransferCall;
using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Privacy;
using Mediator;

namespace EasyMo.Application.Features.Calls.HandleCallTool;

/// <summary>
/// Carries out the agent's tools: transfer to a human (REFER), end the call (after the goodbye), remember the caller's
/// language on their profile, record the caller's request. Bad arguments are answered to the model, not thrown.
/// </summary>
public sealed class HandleCallToolHandler(ICallStore store, ISender sender, TimeProvider time)
    : ICommandHandler<HandleCallToolCommand, CallToolResult>
{
    public async ValueTask<CallToolResult> Handle(HandleCallToolCommand command, CancellationToken cancellationToken)
    {
        JsonElement arguments;
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(command.Arguments) ? "{}" : command.Arguments);
            arguments = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Respond(new { error = "arguments are not valid JSON" });
        }

        if (command.ToolName == AgentTools.TransferToHuman)
        {
            // The service (a name from a closed list, never the caller's words) goes into the warm transfer's brief.
            var outcome = await sender.Send(new TransferCallCommand(command.CallId, TransferTrigger.AgentTool, Service: Text(arguments, "service")), cancellationToken);
            if (outcome == TransferOutcome.Transferring)
            {
                return new CallToolResult(Json(new { status = "transferring", instruction = "Tell the caller you are connecting them now." }), ToolFollowUp.Transferred);
            }

            return Respond(outcome switch
            {
                TransferOutcome.NoTarget => new { status = "unavailable", message = "No person can take the call now; offer to record the request." },
                _ => (object)new { status = "failed", message = "The transfer did not go through; offer to record the request." },
            });
        }

        if (command.ToolName == AgentTools.RecordConsent)
        {
            if (arguments.ValueKind != JsonValueKind.Object || !arguments.TryGetProperty("granted", out var granted)
                || granted.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return Respond(new { error = "granted must be true or false" });
            }

            var consent = await sender.Send(new RecordCallConsentCommand(command.CallId, granted.GetBoolean(), ConsentSource.Voice), cancellationToken);
            return consent switch
            {
                null => Respond(new { error = "the call is not live" }),
                Consent.Granted => new CallToolResult(Json(new { status = "granted", instruction = "Thank the caller briefly and carry on helping them." }), ToolFollowUp.Respond, consent),
                _ => new CallToolResult(Json(new { status = "denied", instruction = "Tell the caller that is fine and nothing they say will be kept, then carry on helping them." }), ToolFollowUp.Respond, consent),
            };
        }

        var call = await store.FindCallAsync(command.CallId, cancellationToken);
        if (call is not { IsLive: true })
        {
            return Respond(new { error = "the call is not live" });
        }

        var now = time.GetUtcNow();
        CallToolResult result;
        switch (command.ToolName)
        {
            case AgentTools.EndCall:
                result = new CallToolResult(Json(new { status = "ending", instruction = "Say a short goodbye." }), ToolFollowUp.HangUpAfterResponse);
                store.Add(CallActivity.Record(call.Id, CallActivityKind.ToolCall, command.ToolName, null, now));
                break;

            case AgentTools.SetPreferredLanguage:
                if (!Language.TryParse(Text(arguments, "language"), out var language))
                {
                    return Respond(new { error = "language must be en, fr or rw" });
                }

                var profile = call.ProfileId is { } profileId ? await store.FindProfileByIdAsync(profileId, cancellationToken) : null;
                profile?.PreferLanguage(language, now);
                store.Add(CallActivity.Record(call.Id, CallActivityKind.ToolCall, command.ToolName, language.Code, now));
                result = Respond(profile is null
                    ? new { status = "not_saved", language = language.Code, message = "The caller is anonymous; speak the language for this call." }
                    : new { status = "saved", language = language.Code, message = "Speak this language from now on." });
                break;

            case AgentTools.RecordRequest:
                var service = Text(arguments, "service");
                var location = Text(arguments, "location");
                if (!CallRequest.IsComplete(service, location))
                {
                    return Respond(new { error = "service and location are required; ask the caller where." });
                }

                if (call.Identity == CallerIdentity.Unverified && call.ProfileId is null)
                {
                    // Nobody attested the caller's number: EasyMO would follow the request up on WhatsApp with whoever
                    // owns that number, on a stranger's word. Nothing is stored.
                    store.Add(CallActivity.Record(call.Id, CallActivityKind.ToolCall, command.ToolName, "not kept: unverified caller", now));
                    await store.SaveChangesAsync(cancellationToken);
                    return Respond(new
                    {
                        status = "not_recorded",
                        message = "The caller's number could not be verified, so EasyMO cannot follow up on this request. Tell the caller to send the request on WhatsApp to EasyMO, or to call again from their own phone.",
                    });
                }

                if (!call.KeepsContent)
                {
                    // A request is what the caller said: without their consent it is not stored (docs/privacy.md).
                    store.Add(CallActivity.Record(call.Id, CallActivityKind.ToolCall, command.ToolName, "not kept: no consent", now));
                    await store.SaveChangesAsync(cancellationToken);
                    return Respond(new
                    {
                        status = "not_recorded",
                        message = "The caller has not agreed that EasyMO keeps what they say, so the request cannot be kept for a follow-up. Ask whether they agree now; if they do, record their answer and then the request again.",
                    });
                }

                store.Add(CallRequest.Record(call.Id, call.ProfileId, service, location, Text(arguments, "details") ?? string.Empty, now));
                store.Add(CallActivity.Record(call.Id, CallActivityKind.ToolCall, command.ToolName, service, now));
                result = Respond(new { status = "recorded", message = "Tell the caller EasyMO will follow up on WhatsApp." });
                break;

            default:
                return Respond(new { error = $"unknown tool {command.ToolName}" });
        }

        await store.SaveChangesAsync(cancellationToken);
        return result;
    }

    private static CallToolResult Respond(object output) => new(Json(output), ToolFollowUp.Respond);

    private static string Json(object output) => JsonSerializer.Serialize(output);

    private static string? Text(JsonElement arguments, string name) =>
        arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
