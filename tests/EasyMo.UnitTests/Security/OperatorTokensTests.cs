using EasyMo.WebApi.Security;
using Microsoft.Extensions.Options;

namespace EasyMo.UnitTests.Security;

public sealed class OperatorTokensTests
{
    private const string Admin = "admin-0123456789abcdefghijklmnopqrstuv";
    private const string Viewer = "viewer-0123456789abcdefghijklmnopqrstu";
    private const string Operator = "operator-0123456789abcdefghijklmnopqrs";
    private const string Privacy = "privacy-0123456789abcdefghijklmnopqrst";

    [Fact]
    public void Each_token_holds_its_roles_and_an_id_that_is_not_the_token()
    {
        var tokens = Tokens(new AdminOptions { Token = Admin, ViewerTokens = $"{Viewer}, other-viewer-token", OperatorTokens = Operator, PrivacyTokens = Privacy });

        tokens.Authenticate(Admin)!.Roles.ShouldBe(OperatorRoles.Admin);
        tokens.Authenticate(Viewer)!.Roles.ShouldBe(OperatorRoles.Viewer);
        tokens.Authenticate("other-viewer-token")!.Roles.ShouldBe(OperatorRoles.Viewer); // a second token of the role: rotation
        tokens.Authenticate(Operator)!.May(OperatorRoles.Viewer).ShouldBeTrue();
        tokens.Authenticate(Operator)!.May(OperatorRoles.Privacy).ShouldBeFalse();
        tokens.Authenticate(Privacy)!.May(OperatorRoles.Viewer).ShouldBeFalse();
        tokens.Authenticate("wrong").ShouldBeNull();
        tokens.Authenticate(string.Empty).ShouldBeNull();

        var principal = tokens.Authenticate(Operator)!;
        principal.TokenId.ShouldBe(OperatorTokens.IdOf(Operator));
        principal.TokenId.ShouldMatch("^tok_[0-9a-f]{12}$");
        principal.Actor.ShouldBe($"operator:{principal.TokenId}");
        principal.Actor.ShouldNotContain(Operator[9..]); // the secret part
        tokens.Authenticate(Admin)!.RoleNames.ShouldBe(["viewer", "operator", "privacy"]);
    }

    [Fact]
    public void A_token_listed_under_two_roles_holds_both_and_the_admin_token_is_never_split()
    {
        var tokens = Tokens(new AdminOptions { Token = "with,comma-0123456789abcdefghijklmnop", ViewerTokens = Privacy, PrivacyTokens = Privacy });

        tokens.Authenticate(Privacy)!.Roles.ShouldBe(OperatorRoles.Viewer | OperatorRoles.Privacy);
        tokens.Authenticate("with,comma-0123456789abcdefghijklmnop")!.Roles.ShouldBe(OperatorRoles.Admin);
        tokens.Authenticate("with").ShouldBeNull();
        Tokens(new AdminOptions()).Any.ShouldBeFalse();
    }

    private static OperatorTokens Tokens(AdminOptions options) => new(new StaticMonitor(options));

    private sealed class StaticMonitor(AdminOptions value) : IOptionsMonitor<AdminOptions>
    {
        public AdminOptions CurrentValue => value;

        public AdminOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<AdminOptions, string?> listener) => null;
    }
}
