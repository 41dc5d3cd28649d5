using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace EasyMo.IntegrationTests.Deploy;

/// <summary>
/// The container image, checked where no Docker engine runs (issue 16): the <c>Dockerfile</c> played on its own build
/// context (<see cref="DockerBuild"/>), the result started as its <c>ENTRYPOINT</c> starts it until <c>/health/live</c>
/// answers, and its <c>HEALTHCHECK</c> run. The build that broke the image (a project embedding a file outside what the
/// Dockerfile copies) fails the same check.
/// </summary>
[Collection(ImageBuildCollection.Name)]
public sealed class ImageBuildTests
{
    [Fact]
    public async Task The_image_builds_from_its_own_context_and_serves_as_a_user_who_can_write_nowhere_in_it()
    {
        var work = Directory.CreateTempSubdirectory("easymo-image-").FullName;
        try
        {
            var (_, image, log) = await DockerBuild.PlayAsync(Repository(), work, Ct);

            image.User.ShouldBe("$APP_UID", "the service runs as the image's non-root user");
            image.EntryPoint.ShouldBe(["dotnet", "EasyMo.WebApi.dll"]);
            File.Exists(image.Host("/app/operator/EasyMo.Operator.dll")).ShouldBeTrue("the operator's tool (migrate, healthcheck) is in the image");
            var port = FreePort();
            var environment = new Dictionary<string, string>(image.Environment)
            {
                ["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["ConnectionStrings__EasyMo"] = await SharedDatabase.CreateMigratedDatabaseAsync(),
                ["OPENAI_API_KEY"] = "sk-image-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
                ["OPENAI_WEBHOOK_SECRET"] = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                ["EASYMO_MANAGEMENT_URLS"] = "http://127.0.0.1:0", // the default, 9464, may be taken on this machine
                ["Privacy__PseudonymKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), // the image runs as Production
            };

            using var service = Start(image, image.EntryPoint, environment);
            try
            {
                var url = $"http://127.0.0.1:{port}";
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
                await Poll.UntilAsync(() => Answers(http, url + "/health/live"), "the image's entry point to serve /health/live", TimeSpan.FromSeconds(60));

                // The published port serves no metrics: they are on the management listener, which the image does not expose.
                using (var metrics = await http.GetAsync(url + "/metrics", Ct))
                {
                    metrics.StatusCode.ShouldBe(HttpStatusCode.NotFound);
                }

                // The HEALTHCHECK as Docker would run it, pointed at this port.
                using var check = Start(image, [.. image.HealthCheck, "--url", url], environment);
                await check.WaitForExitAsync(Ct);
                check.ExitCode.ShouldBe(0, await check.StandardError.ReadToEndAsync(Ct) + log);
            }
            finally
            {
                service.Kill(entireProcessTree: true);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task A_build_that_reads_outside_what_the_Dockerfile_copies_fails_the_check()
    {
        // The layout that broke the image: Infrastructure embedding the Kamailio template from deploy/, which the
        // Dockerfile never copies (it copies src/ only).
        var work = Directory.CreateTempSubdirectory("easymo-image-broken-").FullName;
        try
        {
            var repository = Path.Combine(work, "repository");
            foreach (var file in DockerBuild.ContextFiles(Repository()))
            {
                var target = Path.Combine(repository, file);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(Path.Combine(Repository(), file), target);
            }

            Directory.CreateDirectory(Path.Combine(repository, "deploy", "sip-edge"));
            File.Move(Path.Combine(repository, "src", "Operator", "SipEdge", "kamailio.cfg.template"), Path.Combine(repository, "deploy", "sip-edge", "kamailio.cfg.template"));
            var project = Path.Combine(repository, "src", "Infrastructure", "EasyMo.Infrastructure.csproj");
            File.WriteAllText(project, File.ReadAllText(project).Replace(
                "</Project>",
                """  <ItemGroup><EmbeddedResource Include="..\..\deploy\sip-edge\kamailio.cfg.template" LogicalName="EasyMo.SipEdge.kamailio.cfg.template" /></ItemGroup></Project>""",
                StringComparison.Ordinal));

            var failure = await Should.ThrowAsync<DockerBuildFailed>(() => DockerBuild.PlayAsync(repository, Path.Combine(work, "build"), Ct));

            failure.Message.ShouldContain("kamailio.cfg.template");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void The_context_leaves_out_what_dockerignore_names()
    {
        var files = DockerBuild.ContextFiles(Repository());

        files.ShouldContain("Dockerfile");
        files.ShouldContain(Path.Combine("src", "WebApi", "EasyMo.WebApi.csproj"));
        files.ShouldNotContain(file => file.Split(Path.DirectorySeparatorChar).Contains("bin") || file.Split(Path.DirectorySeparatorChar).Contains("obj"));
        files.ShouldNotContain(file => file.StartsWith("tests" + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        files.ShouldNotContain(file => file.StartsWith(".git" + Path.DirectorySeparatorChar, StringComparison.Ordinal));
    }

    /// <summary>
    /// Runs <paramref name="command"/> in the image's <c>WORKDIR</c>. Where the tests run as root (CI), as an unprivileged
    /// user who can write nowhere in the image and has no home: what a non-root user on a read-only root file system
    /// leaves it (only <c>/tmp</c>).
    /// </summary>
    private static Process Start(DockerBuild.Stage image, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? command[0];
        var unprivileged = Environment.UserName == "root" && File.Exists(Setpriv);
        var start = new ProcessStartInfo(unprivileged ? Setpriv : dotnet)
        {
            WorkingDirectory = image.Host(image.WorkDir),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (unprivileged)
        {
            foreach (var argument in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", dotnet })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["HOME"] = "/nonexistent";
            if (!OperatingSystem.IsWindows())
            {
                OpenForReading(image.Root);
            }
        }

        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment.Remove("ASPNETCORE_ENVIRONMENT"); // Production, as in the image
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    private const string Setpriv = "/usr/bin/setpriv";

    /// <summary>The image's directories readable by anyone (a temporary directory is its owner's only), writable by no one else.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void OpenForReading(string root)
    {
        for (var directory = new DirectoryInfo(root); directory is not null && directory.FullName != Path.GetTempPath().TrimEnd('/'); directory = directory.Parent)
        {
            File.SetUnixFileMode(directory.FullName, File.GetUnixFileMode(directory.FullName) | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        foreach (var directory in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(directory, (File.GetUnixFileMode(directory) | UnixFileMode.OtherRead | UnixFileMode.OtherExecute) & ~UnixFileMode.OtherWrite);
        }

        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, (File.GetUnixFileMode(file) | UnixFileMode.OtherRead) & ~UnixFileMode.OtherWrite);
        }
    }

    private static bool Answers(HttpClient http, string url)
    {
        try
        {
            using var response = http.GetAsync(url).GetAwaiter().GetResult();
            return response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The checkout these tests run from (the directory with EasyMo.sln above the test binaries).</summary>
    private static string Repository()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "EasyMo.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("No EasyMo.sln above " + AppContext.BaseDirectory);
    }
}

/// <summary>
/// Alone: two <c>dotnet publish</c> runs take both cores for most of a minute, and the timing tests around them (claims,
/// ceilings, attempt timeouts) must not run starved beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ImageBuildCollection
{
    public const string Name = "image build";
}
