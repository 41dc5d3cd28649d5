using EasyMo.Application.Features.Calls;

namespace EasyMo.WebApi.Configuration;

/// <summary>What the service warns about at start-up: settings that leave it running, but not as it should in production.</summary>
internal static partial class StartupLog
{
    [LoggerMessage(EventId = 1960, EventName = "STARTUP_NO_ADMIN_TOKEN", Level = LogLevel.Warning,
        Message = "No operator token is set (EASYMO_ADMIN_TOKEN, EASYMO_VIEWER_TOKENS, EASYMO_OPERATOR_TOKENS, EASYMO_PRIVACY_TOKENS): every /api request will be refused")]
    public static partial void NoAdminToken(ILogger logger);

    [LoggerMessage(EventId = 1961, EventName = "STARTUP_TRUSTS_UNVERIFIED_CALLERS", Level = LogLevel.Warning,
        Message = "EASYMO_UNVERIFIED_CALLERS=trust: callers the SIP edge did not attest are believed; anyone who reaches OpenAI's SIP address can speak as any EasyMO user")]
    public static partial void TrustsUnverifiedCallers(ILogger logger);

    [LoggerMessage(EventId = 1962, EventName = "STARTUP_NO_ATTESTATION_KEY", Level = LogLevel.Warning,
        Message = "SIP_EDGE_ATTESTATION_KEY is not set: every call is unverified ({Policy})")]
    public static partial void NoAttestationKey(ILogger logger, UnverifiedCallerPolicy policy);

    [LoggerMessage(EventId = 1964, EventName = "STARTUP_WEBHOOK_SECRET_ROTATING", Level = LogLevel.Information,
        Message = "OPENAI_WEBHOOK_SECRET_PREVIOUS is accepted next to OPENAI_WEBHOOK_SECRET until {Until:O}")]
    public static partial void WebhookSecretRotating(ILogger logger, DateTimeOffset until);

    [LoggerMessage(EventId = 1965, EventName = "STARTUP_PREVIOUS_WEBHOOK_SECRET_ENDED", Level = LogLevel.Warning,
        Message = "OPENAI_WEBHOOK_SECRET_PREVIOUS ended at {Until:O} and is refused: remove it and OpenAI:PreviousWebhookSecretUntil")]
    public static partial void PreviousWebhookSecretEnded(ILogger logger, DateTimeOffset until);

    [LoggerMessage(EventId = 1966, EventName = "STARTUP_PRE_RELEASE_DATABASE_TAKEN_OVER", Level = LogLevel.Information,
        Message = "The database was made by the pre-release migrations (up to {Last}): its history now names {Initial}, which gives the same schema")]
    public static partial void PreReleaseDatabaseTakenOver(ILogger logger, string last, string initial);
}
