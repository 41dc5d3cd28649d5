using EasyMo.Domain.Calls;
using Mediator;

namespace EasyMo.Application.Features.Calls.GetCall;

/// <summary>One call by OpenAI's call id, for operators; null when unknown.</summary>
public sealed record GetCallQuery(OpenAiCallId CallId) : IQuery<CallDetails?>;
