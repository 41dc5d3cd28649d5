using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.FileSystemGlobbing;

namespace EasyMo.IntegrationTests.Deploy;

/// <summary>
/// The repository's <c>Dockerfile</c> played without a Docker engine (none runs on these machines): the build context
/// assembled as Docker assembles it (<c>.dockerignore</c> applied), each stage's root a directory of its own, <c>COPY</c>
/// (also <c>--from</c> another stage) and <c>WORKDIR</c> replayed, <c>RUN</c> run with the stage's absolute paths mapped
/// into its root. What a stage reads outside what it copied fails here as it fails in <c>docker build</c>.
/// </summary>
internal sealed partial class DockerBuild
{
    private readonly string _context;
    private readonly string _work;
    private readonly Dictionary<string, Stage> _stages = new(StringComparer.OrdinalIgnoreCase);

    private DockerBuild(string context, string work)
    {
        _context = context;
        _work = work;
    }

    public sealed class Stage(string name, string root)
    {
        public string Name { get; } = name;

        /// <summary>The directory standing for the stage's <c>/</c>.</summary>
        public string Root { get; } = root;

        public string WorkDir { get; set; } = "/";

        public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

        public string? User { get; set; }

        public string[] EntryPoint { get; set; } = [];

        public string[] HealthCheck { get; set; } = [];

        /// <summary>A path in the stage (absolute, or relative to its <c>WORKDIR</c>) as a path on this machine.</summary>
        public string Host(string path) =>
            Path.GetFullPath(Path.Combine(Root, (path.StartsWith('/') ? path : $"{WorkDir.TrimEnd('/')}/{path}").TrimStart('/')));
    }

    /// <summary>The files of <paramref name="repository"/> that Docker would send as the build context.</summary>
    public static IReadOnlyList<string> ContextFiles(string repository)
    {
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude("**/*");
        var ignore = Path.Combine(repository, ".dockerignore");
        foreach (var line in File.Exists(ignore) ? File.ReadAllLines(ignore) : [])
        {
            var pattern = line.Trim();
            if (pattern.Length == 0 || pattern.StartsWith('#'))
            {
                continue;
            }

            pattern = pattern.TrimStart('/');
            matcher.AddExclude(pattern.EndsWith('/') ? pattern + "**" : pattern);
            if (!pattern.EndsWith('/'))
            {
                matcher.AddExclude(pattern + "/**"); // a name matches a directory's whole content too
            }
        }

        return [.. matcher.GetResultsInFullPath(repository).Select(path => Path.GetRelativePath(repository, path))];
    }

    /// <summary>Assembles the context of <paramref name="repository"/> into <paramref name="work"/> and plays its Dockerfile up to the last stage.</summary>
    public static async Task<(DockerBuild Build, Stage Last, string Log)> PlayAsync(string repository, string work, CancellationToken ct)
    {
        var context = Path.Combine(work, "context");
        foreach (var file in ContextFiles(repository))
        {
            var target = Path.Combine(context, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(repository, file), target);
        }

        var build = new DockerBuild(context, work);
        var log = new System.Text.StringBuilder();
        Stage? stage = null;
        foreach (var (instruction, argument) in Instructions(File.ReadAllText(Path.Combine(context, "Dockerfile"))))
        {
            log.AppendLine($"{instruction} {argument}");
            switch (instruction)
            {
                case "FROM":
                    var name = FromAs().Match(argument) is { Success: true } named ? named.Groups[1].Value : $"stage{build._stages.Count}";
                    stage = new Stage(name, Path.Combine(work, "stage-" + name));
                    Directory.CreateDirectory(stage.Root);
                    stage.Environment["APP_UID"] = "1654"; // the chiseled images' non-root user
                    build._stages[name] = stage;
                    break;
                case "WORKDIR":
                    stage!.WorkDir = argument.StartsWith('/') ? argument : $"{stage.WorkDir.TrimEnd('/')}/{argument}";
                    Directory.CreateDirectory(stage.Host(stage.WorkDir));
                    break;
                case "COPY":
                    build.Copy(stage!, argument);
                    break;
                case "RUN":
                    log.Append(await RunAsync(stage!, argument, ct));
                    break;
                case "ENV":
                    foreach (Match pair in EnvPair().Matches(argument))
                    {
                        stage!.Environment[pair.Groups[1].Value] = pair.Groups[2].Value.Trim('"');
                    }

                    break;
                case "USER":
                    stage!.User = argument;
                    break;
                case "ENTRYPOINT":
                    stage!.EntryPoint = JsonSerializer.Deserialize<string[]>(argument) ?? [];
                    break;
                case "HEALTHCHECK":
                    stage!.HealthCheck = argument.Contains("CMD", StringComparison.Ordinal)
                        ? JsonSerializer.Deserialize<string[]>(argument[(argument.IndexOf("CMD", StringComparison.Ordinal) + 3)..].Trim()) ?? []
                        : [];
                    break;
            }
        }

        return (build, stage ?? throw new InvalidOperationException("The Dockerfile has no stage."), log.ToString());
    }

    /// <summary>The Dockerfile's instructions: comments dropped, <c>\</c> continuations joined.</summary>
    public static IEnumerable<(string Instruction, string Argument)> Instructions(string dockerfile)
    {
        var joined = new System.Text.StringBuilder();
        foreach (var raw in dockerfile.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (joined.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                joined.Append(line[..^1]).Append(' ');
                continue;
            }

            joined.Append(line);
            var text = joined.ToString().Trim();
            joined.Clear();
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            yield return (text[..space].ToUpperInvariant(), Regex.Replace(text[(space + 1)..], @"\s+", " ").Trim());
        }
    }

    private void Copy(Stage stage, string argument)
    {
        var parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        Stage? from = null;
        if (parts[0].StartsWith("--from=", StringComparison.Ordinal))
        {
            from = _stages[parts[0]["--from=".Length..]];
            parts.RemoveAt(0);
        }

        var destination = parts[^1];
        foreach (var source in parts[..^1])
        {
            var origin = from is null ? Path.Combine(_context, source) : from.Host(source);
            var target = stage.Host(destination);
            if (Directory.Exists(origin))
            {
                CopyDirectory(origin, target); // a directory's content, as Docker copies it
            }
            else if (File.Exists(origin))
            {
                var file = destination.EndsWith('/') || Directory.Exists(target) ? Path.Combine(target, Path.GetFileName(origin)) : target;
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.Copy(origin, file, overwrite: true);
            }
            else
            {
                throw new FileNotFoundException($"COPY {source}: not in the {(from is null ? "build context" : "stage " + from.Name)} (.dockerignore?)");
            }
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>A <c>RUN</c> in the stage: its absolute paths (<c>/app</c>, <c>/src</c>, …) mapped into the stage's root.</summary>
    private static async Task<string> RunAsync(Stage stage, string command, CancellationToken ct)
    {
        // Not an MSBuild switch (/p:Name=value): a path is not followed by ':'.
        var mapped = AbsolutePath().Replace(command, match =>
            match.Index + match.Length < command.Length && command[match.Index + match.Length] == ':'
                ? match.Value
                : match.Groups[1].Value + stage.Host(match.Groups[2].Value));
        var start = new ProcessStartInfo("bash") { WorkingDirectory = stage.Host(stage.WorkDir), RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(mapped);
        foreach (var (name, value) in stage.Environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var text = await output + await error;
        if (process.ExitCode != 0)
        {
            throw new DockerBuildFailed($"RUN {command} exited {process.ExitCode}:\n{text}");
        }

        return text;
    }

    [GeneratedRegex(@"^\S+\s+AS\s+(\S+)$", RegexOptions.IgnoreCase)]
    private static partial Regex FromAs();

    [GeneratedRegex(@"(\w+)=(""[^""]*""|\S+)")]
    private static partial Regex EnvPair();

    /// <summary>An absolute path in a command (after a space, or an option's <c>=</c>): <c>-o /app</c>.</summary>
    [GeneratedRegex(@"(^|\s|=)(/[A-Za-z0-9_.][A-Za-z0-9_./-]*)")]
    private static partial Regex AbsolutePath();
}

/// <summary>A stage's command failed, as it would fail <c>docker build</c>.</summary>
internal sealed class DockerBuildFailed(string message) : Exception(message);
