using System.Net;
using System.Text.Json;
using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Calls;
using Polly.Timeout;
using Refit;

namespace EasyMo.Infrastructure.OpenAi;

/// <summary>Adapts the Refit client to the application's port: statuses and failures become <see cref="RealtimeCallResult"/>.</summary>
internal sealed class RealtimeCallsClient(IOpenAiRealtimeCallsApi api) : IRealtimeCallsClient
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonElement> ToolSchemas = new();

    public Task<RealtimeCallResult> AcceptAsync(OpenAiCallId callId, RealtimeSessionConfig session, CancellationToken cancellationToken)
    {
        var body = new RealtimeSessionCreateRequest(
            session.Model,
            session.Instructions,
            new RealtimeAudioConfig(
                session.TranscriptionModel is { } model ? new RealtimeAudioInput(new AudioTranscription(model)) : null,
                new RealtimeAudioOutput(session.Voice)),
            session.Tools.Count == 0 ? null : session.Tools.Select(ToWire).ToArray());
        return SendAsync(() => api.AcceptAsync(callId.Value, body, cancellationToken), cancellationToken);
    }

    private static RealtimeFunctionTool ToWire(Application.Features.Calls.AgentTool tool) =>
        new(tool.Name, tool.Description, ToolSchemas.GetOrAdd(tool.ParametersSchema, schema => JsonDocument.Parse(schema).RootElement.Clone()));

    public Task<RealtimeCallResult> RejectAsync(OpenAiCallId callId, int sipStatusCode, CancellationToken cancellationToken) =>
        SendAsync(() => api.RejectAsync(callId.Value, new RealtimeCallRejectRequest(sipStatusCode), cancellationToken), cancellationToken);

    public Task<RealtimeCallResult> ReferAsync(OpenAiCallId callId, string targetUri, CancellationToken cancellationToken) =>
        SendAsync(() => api.ReferAsync(callId.Value, new RealtimeCallReferRequest(targetUri), cancellationToken), cancellationToken);

    public Task<RealtimeCallResult> HangupAsync(OpenAiCallId callId, CancellationToken cancellationToken) =>
        SendAsync(() => api.HangupAsync(callId.Value, cancellationToken), cancellationToken);

    private static async Task<RealtimeCallResult> SendAsync(Func<Task<IApiResponse>> send, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await send();
            if (!response.IsReceived || response.StatusCode is not { } statusCode)
            {
                return Failure(response.Error?.InnerException ?? response.Error);
            }

            var status = (int)statusCode;
            return statusCode switch
            {
                _ when response.IsSuccessStatusCode => new RealtimeCallResult(RealtimeCallOutcome.Succeeded, status),
                HttpStatusCode.NotFound => new RealtimeCallResult(RealtimeCallOutcome.CallNotFound, status, "call not found"),
                _ when statusCode == HttpStatusCode.Conflict || (response.Error as ApiException)?.Content?.Contains(DecisionAlreadyMade, StringComparison.Ordinal) == true =>
                    new RealtimeCallResult(RealtimeCallOutcome.AlreadyDecided, status, DecisionAlreadyMade),
                _ when status >= 500 => new RealtimeCallResult(RealtimeCallOutcome.InDoubt, status, $"HTTP {status}"),
                _ => new RealtimeCallResult(RealtimeCallOutcome.Failed, status, $"HTTP {status}"),
            };
        }
        catch (Exception exception) when (exception is TimeoutRejectedException or HttpRequestException or ApiException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return Failure(exception);
        }
    }

    /// <summary>
    /// Describes a failure without its message (exception texts can carry URLs and headers), and says whether the request
    /// may have reached OpenAI: only a connection that was never made is certainly a request not sent.
    /// </summary>
    private static RealtimeCallResult Failure(Exception? exception) => exception switch
    {
        HttpRequestException http when OpenAiHttpClient.NeverSent(http) => new(RealtimeCallOutcome.Failed, Error: $"connection error ({http.HttpRequestError})"),
        TimeoutRejectedException or OperationCanceledException => new(RealtimeCallOutcome.InDoubt, Error: "timed out"),
        HttpRequestException http => new(RealtimeCallOutcome.InDoubt, Error: $"connection error ({http.HttpRequestError})"),
        ApiException api => new(RealtimeCallOutcome.InDoubt, (int)api.StatusCode, $"HTTP {(int)api.StatusCode}"),
        _ => new(RealtimeCallOutcome.InDoubt, Error: exception?.GetType().Name ?? "unknown error"),
    };

    /// <summary>OpenAI's error code for a second decision on a call ("the first accept or reject decision wins").</summary>
    public const string DecisionAlreadyMade = "decision_already_made";
}
