using System.Net;
using EasyMo.Application.Common.Abstractions;
using Polly.Timeout;
using Refit;

namespace EasyMo.Infrastructure.OpenAi;

/// <summary>
/// How an answer of OpenAI's call-control endpoints (Realtime calls and GPT-Live sessions alike) becomes a
/// <see cref="RealtimeCallResult"/>: 2xx done, 404 gone, 409 or <c>decision_already_made</c> decided before, 5xx or a broken
/// exchange in doubt (never retried blindly), anything else certainly not done.
/// </summary>
internal static class CallControlResults
{
    public static async Task<RealtimeCallResult> SendAsync(Func<Task<IApiResponse>> send, CancellationToken cancellationToken)
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
