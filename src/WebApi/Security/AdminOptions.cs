namespace EasyMo.WebApi.Security;

/// <summary>Operators' access (configuration section <c>Admin</c>; <c>EASYMO_ADMIN_TOKEN</c>).</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>The bearer token of <c>/api</c>. Unset: every <c>/api</c> request is refused.</summary>
    public string? Token { get; set; }
}
