using Mediator;

namespace EasyMo.Application.Features.Calls.GetCall;

/// <summary>One call by OpenAI's call id, for operators; null when unknown.</summary>
public sealed record GetCallQuery(string CallId) : IQuery<CallDetails?>;
