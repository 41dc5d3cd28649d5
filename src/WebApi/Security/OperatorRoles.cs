namespace EasyMo.WebApi.Security;

/// <summary>What an operator's token may do (contract §6). <see cref="Operator"/> includes <see cref="Viewer"/>.</summary>
[Flags]
public enum OperatorRoles
{
    None = 0,

    /// <summary>Reads calls, call backs and statistics; the dashboard.</summary>
    Viewer = 1,

    /// <summary>Also changes profiles (names, language, blocking) and asks for or cancels calls back.</summary>
    Operator = 2 | Viewer,

    /// <summary>Exports and erases a person's data.</summary>
    Privacy = 4,

    /// <summary><c>EASYMO_ADMIN_TOKEN</c>: every role.</summary>
    Admin = Operator | Privacy,
}

/// <summary>The role an endpoint needs (endpoint metadata, read by <see cref="OperatorAccessFilter"/>).</summary>
public sealed record RequiresRole(OperatorRoles Role);

/// <summary>
/// Who is calling: their roles, and a token id (<c>tok_</c> + 12 hex digits of the token's SHA-256) that names the token in
/// the audit and the logs without revealing it.
/// </summary>
public sealed record OperatorPrincipal(OperatorRoles Roles, string TokenId)
{
    /// <summary>The audit's actor: the role the token holds, and its id (<c>operator:tok_3fa2…</c>).</summary>
    public string Actor => $"{Name(Roles)}:{TokenId}";

    public bool May(OperatorRoles required) => (Roles & required) == required;

    public static string Name(OperatorRoles roles) => roles switch
    {
        OperatorRoles.Admin => "admin",
        OperatorRoles.Operator => "operator",
        OperatorRoles.Viewer => "viewer",
        OperatorRoles.Privacy => "privacy",
        _ => "mixed",
    };

    /// <summary>Every role the token holds, by name, for <c>GET /api/me</c>.</summary>
    public IReadOnlyList<string> RoleNames =>
        [.. new[] { OperatorRoles.Viewer, OperatorRoles.Operator, OperatorRoles.Privacy }.Where(May).Select(Name)];
}
