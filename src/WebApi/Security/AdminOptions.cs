namespace EasyMo.WebApi.Security;

/// <summary>
/// Operators' access (configuration section <c>Admin</c>): bearer tokens by role. <c>EASYMO_ADMIN_TOKEN</c> holds every
/// role; <c>EASYMO_VIEWER_TOKENS</c>, <c>EASYMO_OPERATOR_TOKENS</c> and <c>EASYMO_PRIVACY_TOKENS</c> are comma-separated
/// lists, so that a token can be rotated without downtime (add the new one, move clients, remove the old one).
/// </summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>The token of every role. Unset, and no role token either: every <c>/api</c> request is refused.</summary>
    public string? Token { get; set; }

    /// <summary>Tokens that read calls, call backs and statistics (and the dashboard).</summary>
    public string? ViewerTokens { get; set; }

    /// <summary>Tokens that also manage profiles (names, language, blocking) and calls back.</summary>
    public string? OperatorTokens { get; set; }

    /// <summary>Tokens that export and erase a person's data, and nothing else.</summary>
    public string? PrivacyTokens { get; set; }

    /// <summary>Failed authentications one client address may make per minute before it is answered 429.</summary>
    public int FailedAttemptsPerMinute { get; set; } = 20;
}
