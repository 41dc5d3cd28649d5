using NetArchTest.Rules;

namespace EasyMo.UnitTests.Architecture;

/// <summary>Dependencies point inward: Domain ← Application ← Infrastructure ← WebApi (the service) / Operator (the tool).</summary>
public sealed class LayerTests
{
    private static readonly System.Reflection.Assembly Domain = typeof(EasyMo.Domain.Calls.Call).Assembly;
    private static readonly System.Reflection.Assembly Application = typeof(EasyMo.Application.DependencyInjection).Assembly;
    private static readonly System.Reflection.Assembly Infrastructure = typeof(EasyMo.Infrastructure.DependencyInjection).Assembly;
    private static readonly System.Reflection.Assembly WebApi = typeof(Program).Assembly;
    private static readonly System.Reflection.Assembly Operator = typeof(EasyMo.Operator.EasyMoCli).Assembly;

    [Fact]
    public void Domain_depends_on_no_other_layer_and_no_framework()
    {
        var result = Types.InAssembly(Domain).ShouldNot()
            .HaveDependencyOnAny("EasyMo.Application", "EasyMo.Infrastructure", "EasyMo.WebApi",
                "Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore", "Npgsql", "Mediator", "FluentValidation", "Refit")
            .GetResult();

        result.IsSuccessful.ShouldBeTrue(Failing(result));
    }

    [Fact]
    public void Application_does_not_depend_on_Infrastructure_WebApi_or_persistence_and_HTTP_details()
    {
        var result = Types.InAssembly(Application).ShouldNot()
            .HaveDependencyOnAny("EasyMo.Infrastructure", "EasyMo.WebApi", "Microsoft.EntityFrameworkCore", "Npgsql", "Refit", "Microsoft.AspNetCore")
            .GetResult();

        result.IsSuccessful.ShouldBeTrue(Failing(result));
    }

    [Fact]
    public void Infrastructure_does_not_depend_on_WebApi()
    {
        var result = Types.InAssembly(Infrastructure).ShouldNot().HaveDependencyOn("EasyMo.WebApi").GetResult();

        result.IsSuccessful.ShouldBeTrue(Failing(result));
    }

    [Fact]
    public void The_project_references_point_inward()
    {
        Domain.GetReferencedAssemblies().Select(a => a.Name).ShouldNotContain(name => name!.StartsWith("EasyMo.", StringComparison.Ordinal));
        Application.GetReferencedAssemblies().Select(a => a.Name).Where(name => name!.StartsWith("EasyMo.", StringComparison.Ordinal))
            .ShouldBe(["EasyMo.Domain"]);
        Infrastructure.GetReferencedAssemblies().Select(a => a.Name).Where(name => name!.StartsWith("EasyMo.", StringComparison.Ordinal))
            .ShouldBe(["EasyMo.Application", "EasyMo.Domain"], ignoreOrder: true);
    }

    [Fact]
    public void The_service_and_the_operators_tool_stand_side_by_side()
    {
        // Neither carries the other: the web host has no command line, the tool no web host (both reach Infrastructure).
        WebApi.GetReferencedAssemblies().Select(a => a.Name).ShouldNotContain("EasyMo.Operator");
        WebApi.GetReferencedAssemblies().Select(a => a.Name).ShouldNotContain("System.CommandLine");
        Operator.GetReferencedAssemblies().Select(a => a.Name).ShouldNotContain("EasyMo.WebApi");
        Operator.GetReferencedAssemblies().Select(a => a.Name).ShouldContain("EasyMo.Infrastructure");
        Infrastructure.GetReferencedAssemblies().Select(a => a.Name).ShouldNotContain("System.CommandLine");
    }

    [Fact]
    public void The_tool_reads_the_services_user_secrets()
    {
        var attribute = WebApi.GetCustomAttributes(typeof(Microsoft.Extensions.Configuration.UserSecrets.UserSecretsIdAttribute), inherit: false)
            .Cast<Microsoft.Extensions.Configuration.UserSecrets.UserSecretsIdAttribute>().ShouldHaveSingleItem();

        attribute.UserSecretsId.ShouldBe(EasyMo.Operator.EasyMoCli.ServiceUserSecretsId);
    }

    [Fact]
    public void Handlers_and_messages_are_public_for_the_source_generated_mediator()
    {
        var result = Types.InAssembly(Application).That().ImplementInterface(typeof(Mediator.IMessage)).Should().BePublic().GetResult();

        result.IsSuccessful.ShouldBeTrue(Failing(result));
    }

    private static string Failing(NetArchTest.Rules.TestResult result) =>
        "Offending types: " + string.Join(", ", result.FailingTypeNames ?? []);
}
