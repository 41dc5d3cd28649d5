using System.Diagnostics;
using k8s;
using k8s.Models;

namespace EasyMo.IntegrationTests.Deploy;

/// <summary>
/// The Kubernetes deployment (issue 16, part 2), rendered offline by <c>kubectl kustomize</c> and read into the
/// Kubernetes API's own types (the KubernetesClient package's models) with unknown fields refused: a misspelt field, a
/// wrong type or an unknown kind fails here, not at <c>kubectl apply</c>. Then what the deployment promises: at least
/// two replicas spread across nodes, probes on the health routes, a read-only root, no secret written, the migration
/// Job, the management port, the disruption budget, the autoscaler and the network policy.
/// </summary>
public sealed class KubernetesManifestTests
{
    [Fact]
    public void The_production_overlay_renders_into_valid_Kubernetes_objects_that_keep_the_deployments_promises()
    {
        var objects = Validate(Render("deploy/kubernetes/overlays/production"));

        objects.ShouldNotContain(o => o is V1Secret, "secrets are referenced, never written");
        objects.OfType<IKubernetesObject<V1ObjectMeta>>().ShouldAllBe(o => o.Metadata.NamespaceProperty == "easymo");

        var deployment = objects.OfType<V1Deployment>().ShouldHaveSingleItem();
        deployment.Spec.Replicas.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(2);
        deployment.Spec.Template.Spec.TopologySpreadConstraints.ShouldContain(c => c.TopologyKey == "kubernetes.io/hostname");
        var container = deployment.Spec.Template.Spec.Containers.ShouldHaveSingleItem();
        container.Image.ShouldBe("registry.example.com/easymo/easymo-voice:1.0.0");
        container.LivenessProbe.HttpGet.Path.ShouldBe("/health/live");
        container.ReadinessProbe.HttpGet.Path.ShouldBe("/health/ready");
        container.SecurityContext.ReadOnlyRootFilesystem.ShouldBe(true);
        container.SecurityContext.AllowPrivilegeEscalation.ShouldBe(false);
        deployment.Spec.Template.Spec.SecurityContext.RunAsNonRoot.ShouldBe(true);
        container.VolumeMounts.ShouldContain(mount => mount.MountPath == "/tmp");
        container.Ports.Select(port => port.ContainerPort).ShouldBe([8080, 9464], ignoreOrder: true);
        container.Resources.Requests.Keys.ShouldBe(["cpu", "memory"], ignoreOrder: true);
        container.Resources.Limits.Keys.ShouldContain("memory");
        container.EnvFrom.ShouldContain(source => source.SecretRef != null && source.SecretRef.Name == "easymo-voice");

        var config = objects.OfType<V1ConfigMap>().ShouldHaveSingleItem();
        config.Data["EASYMO_MANAGEMENT_URLS"].ShouldBe("http://0.0.0.0:9464");
        config.Data["ASPNETCORE_ENVIRONMENT"].ShouldBe("Production");

        var migration = objects.OfType<V1Job>().ShouldHaveSingleItem();
        migration.Spec.Template.Spec.Containers.ShouldHaveSingleItem().Command.ShouldBe(["dotnet", "operator/EasyMo.Operator.dll", "migrate"]);
        migration.Spec.Template.Spec.RestartPolicy.ShouldBe("Never");

        objects.OfType<V1PodDisruptionBudget>().ShouldHaveSingleItem().Spec.MinAvailable.ShouldNotBeNull();
        var autoscaler = objects.OfType<V2HorizontalPodAutoscaler>().ShouldHaveSingleItem();
        autoscaler.Spec.MinReplicas.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(2);
        autoscaler.Spec.ScaleTargetRef.Name.ShouldBe(deployment.Metadata.Name);

        var policy = objects.OfType<V1NetworkPolicy>().ShouldHaveSingleItem();
        policy.Spec.PolicyTypes.ShouldBe(["Ingress", "Egress"], ignoreOrder: true);
        policy.Spec.Egress.ShouldContain(rule => rule.Ports.Any(port => port.Port.Value == "5432") && rule.To.Single().IpBlock.Cidr == "10.20.0.0/24");
        policy.Spec.Egress.ShouldContain(rule => rule.Ports.Any(port => port.Port.Value == "443") && rule.To.Single().IpBlock.Except.Contains("169.254.0.0/16"));
        objects.OfType<V1Service>().ShouldHaveSingleItem().Spec.Ports.Select(port => port.Name).ShouldBe(["http", "metrics"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("readinessProbe:", "readinesProbe:")] // a misspelt field
    [InlineData("replicas: 3", "replicas: three")] // a wrong type
    [InlineData("kind: PodDisruptionBudget", "kind: PodDisruptionBudgett")] // an unknown kind
    public void A_broken_manifest_is_refused(string good, string broken)
    {
        var rendered = Render("deploy/kubernetes/overlays/production");
        rendered.ShouldContain(good);

        Should.Throw<Exception>(() => Validate(rendered.Replace(good, broken, StringComparison.Ordinal)));
    }

    /// <summary>Reads every document into its Kubernetes type, strictly (an unknown field or kind throws).</summary>
    private static List<object> Validate(string yaml) => KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true);

    /// <summary><c>kubectl kustomize</c> of <paramref name="overlay"/> (offline: no cluster is asked).</summary>
    private static string Render(string overlay)
    {
        var root = RepositoryRoot();
        using var kubectl = Process.Start(new ProcessStartInfo("kubectl", ["kustomize", Path.Combine(root, overlay)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("kubectl did not start (scripts/test-prerequisites.sh installs it).");
        var output = kubectl.StandardOutput.ReadToEndAsync();
        var error = kubectl.StandardError.ReadToEnd();
        kubectl.WaitForExit();
        kubectl.ExitCode.ShouldBe(0, error);
        return output.Result;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "EasyMo.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("EasyMo.sln not found above the test's directory.");
    }
}
