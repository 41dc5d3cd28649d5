using System.Reflection;

namespace EasyMo.SandboxTests;

public sealed class IsolationTests
{
    [Fact]
    public void No_production_project_references_the_sandbox()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "EasyMo.sln")))
        {
            root = root.Parent;
        }

        root.ShouldNotBeNull("the repository root (EasyMo.sln) above the test binaries");
        var projects = Directory.GetFiles(Path.Combine(root.FullName, "src"), "*.csproj", SearchOption.AllDirectories);
        projects.ShouldNotBeEmpty();
        projects.ShouldAllBe(project => !File.ReadAllText(project).Contains("EasyMo.Sandbox", StringComparison.OrdinalIgnoreCase));

        // Nor does the service's assembly depend on it at run time.
        typeof(Program).Assembly.GetReferencedAssemblies().Select(name => name.Name).ShouldNotContain("EasyMo.Sandbox");
        Assembly.GetAssembly(typeof(EasyMo.Sandbox.SandboxServer))!.GetName().Name.ShouldBe("EasyMo.Sandbox");
    }
}
