using EasyMo.Domain.Calls;
using Mediator;

namespace EasyMo.Application.Features.Calls.RecordTranscript;

/// <summary>A finished transcript of one turn of a live call: the caller's words or the agent's.</summary>
public sealed record RecordTranscriptTurnCommand(OpenAiCallId CallId, Speaker Speaker, string Text, string ItemId) : ICommand<bool>;
