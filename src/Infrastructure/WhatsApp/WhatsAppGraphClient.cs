using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using Refit;

namespace EasyMo.Infrastructure.WhatsApp;

/// <summary>
/// What the service does with WhatsApp's Graph API: sends messages (and says what a refusal means for the outbox),
/// looks up and downloads media with the same bearer, reads and writes the phone number's calling settings.
/// </summary>
internal sealed class WhatsAppGraphClient(IWhatsAppGraphApi api, IHttpClientFactory clients, IOptions<WhatsAppOptions> options)
{
    public const string MediaClientName = "whatsapp-graph-media";

    /// <summary>Redirects a media download follows (each checked as the first URL is).</summary>
    public const int MaxMediaRedirects = 3;

    // The Graph API error codes the outbox acts on (reference §4.4).
    public const int RateLimitHit = 130429;
    public const int PairRateLimitHit = 131056;
    public const int Undeliverable = 131026;
    public const int ReEngagement = 131047;

    /// <summary>Sends one message from the configured phone number; never throws for what WhatsApp or the network answers.</summary>
    public async Task<GraphSendResult> SendAsync(GraphSendMessageRequest message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        try
        {
            using var response = await api.SendMessageAsync(settings.ApiVersion, settings.PhoneNumberId ?? string.Empty, message, cancellationToken);
            if (!response.IsReceived || response.StatusCode is not { } status)
            {
                return Unanswered(response.Error?.InnerException ?? response.Error, cancellationToken);
            }

            return response.IsSuccessStatusCode
                ? GraphSendResult.Sent(response.Content?.Messages?.FirstOrDefault()?.Id)
                : Classify(status, ReadError((response.Error as ApiException)?.Content));
        }
        catch (Exception exception) when (exception is TimeoutRejectedException or HttpRequestException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return Unanswered(exception, cancellationToken);
        }
    }

    /// <summary>No answer (a timeout, a connection error): tried again later.</summary>
    private static GraphSendResult Unanswered(Exception? exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => throw exception,
        TimeoutRejectedException or OperationCanceledException => GraphSendResult.Retry(null, "timeout"),
        HttpRequestException http => GraphSendResult.Retry(null, $"connection error ({http.HttpRequestError})"),
        _ => GraphSendResult.Retry(null, exception?.GetType().Name ?? "no answer"),
    };

    /// <summary>
    /// What a refused send means: retried later on rate limits (130429, 131056), 5xx, 408 and 429; the template on
    /// 131047; given up on 131026 and any other 4xx.
    /// </summary>
    internal static GraphSendResult Classify(HttpStatusCode status, GraphError? error)
    {
        var code = error?.Code;
        var http = (int)status;
        return code switch
        {
            RateLimitHit => GraphSendResult.Retry(code, "rate limit hit"),
            PairRateLimitHit => GraphSendResult.Retry(code, "pair rate limit hit"),
            Undeliverable => GraphSendResult.GiveUp(code, "undeliverable"),
            ReEngagement => GraphSendResult.OutsideWindow(code),
            _ when http >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests =>
                GraphSendResult.Retry(code, $"HTTP {http}"),
            _ => GraphSendResult.GiveUp(code, code is null ? $"refused: HTTP {http}" : $"refused: HTTP {http}, code {code}"),
        };
    }

    /// <summary><c>GET /{version}/{media-id}</c>; null when WhatsApp does not know the media.</summary>
    public async Task<GraphMediaInfo?> GetMediaAsync(string mediaId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var response = await api.GetMediaAsync(settings.ApiVersion, mediaId, settings.PhoneNumberId, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await response.EnsureSuccessStatusCodeAsync();
        return response.Content;
    }

    /// <summary>
    /// Downloads a media asset from the short-lived URL of <see cref="GetMediaAsync"/>, with the same bearer token. The
    /// caller disposes the response and reads its body (and its MIME type). The token goes only to an allowed media host
    /// over <c>https</c> (<see cref="WhatsAppOptions.MediaUrlRefusal"/>) whose addresses are public (checked as the
    /// connection is made, <see cref="MediaDownloadGuard"/>); a redirect is followed, at most
    /// <see cref="MaxMediaRedirects"/> times, only to a host that passes the same checks, and never with the token.
    /// </summary>
    /// <exception cref="MediaUrlRefusedException">The URL or a redirect was refused; the token was not sent to it.</exception>
    public async Task<HttpResponseMessage> DownloadMediaAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var settings = options.Value;
        var client = clients.CreateClient(MediaClientName);
        for (var hop = 0; ; hop++)
        {
            if (settings.MediaUrlRefusal(url) is { } refusal)
            {
                throw new MediaUrlRefusedException(refusal, url.IsAbsoluteUri ? url.IdnHost : string.Empty);
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (hop == 0)
            {
                // Only the URL Graph named gets the token; a redirect's target is a CDN URL signed in its own query.
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.AccessToken);
            }

            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException exception) when (MediaUrlRefusedException.Find(exception) is { } refused)
            {
                throw refused; // the handler wraps what the connect step throws
            }

            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                response.Dispose();
                if (hop >= MaxMediaRedirects)
                {
                    throw new MediaUrlRefusedException(MediaRefusals.TooManyRedirects, url.IdnHost);
                }

                url = location.IsAbsoluteUri ? location : new Uri(url, location);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                var status = response.StatusCode;
                response.Dispose();
                throw new HttpRequestException($"Media download answered {(int)status}.", null, status);
            }

            return response;
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary><c>GET /{version}/{phone-number-id}/settings</c>, with the SIP credentials (never log them) when asked.</summary>
    public async Task<GraphPhoneNumberSettings> GetSettingsAsync(bool includeSipCredentials, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var response = await api.GetSettingsAsync(
            settings.ApiVersion, settings.PhoneNumberId ?? string.Empty, includeSipCredentials ? "true" : null, cancellationToken);
        await response.EnsureSuccessStatusCodeAsync();
        return response.Content ?? new GraphPhoneNumberSettings(null);
    }

    /// <summary><c>POST /{version}/{phone-number-id}/settings</c>; true when WhatsApp answered <c>success</c>.</summary>
    public async Task<bool> UpdateSettingsAsync(GraphPhoneNumberSettings update, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var response = await api.UpdateSettingsAsync(settings.ApiVersion, settings.PhoneNumberId ?? string.Empty, update, cancellationToken);
        await response.EnsureSuccessStatusCodeAsync();
        return response.Content?.Success == true;
    }

    private static GraphError? ReadError(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(content, GraphJsonContext.Default.GraphErrorEnvelope)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>What became of one send.</summary>
internal sealed record GraphSendResult(GraphSendOutcome Outcome, string? ProviderMessageId, int? ErrorCode, string? Reason)
{
    public static GraphSendResult Sent(string? providerMessageId) => new(GraphSendOutcome.Sent, providerMessageId, null, null);

    public static GraphSendResult Retry(int? code, string reason) => new(GraphSendOutcome.Retry, null, code, reason);

    public static GraphSendResult GiveUp(int? code, string reason) => new(GraphSendOutcome.GiveUp, null, code, reason);

    public static GraphSendResult OutsideWindow(int? code) => new(GraphSendOutcome.OutsideWindow, null, code, "outside the 24-hour window");
}

internal enum GraphSendOutcome
{
    Sent,
    Retry,
    GiveUp,
    OutsideWindow,
}
