using System.Security.Cryptography;
using System.Text;
using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.IntegrationTests.Migrations;

/// <summary>
/// Migrations are append-only (docs/operations.md, "Adding a migration"; docs/adr/0008): one that has been merged has
/// run on databases that will never run it again, so it is never edited, deleted or reordered; a change is a new
/// migration with a later id. TestData/migrations/migrations.lock names every migration with the SHA-256 of its two
/// files, in order.
/// </summary>
public sealed class AppendOnlyTests
{
    private const string LockFile = "tests/EasyMo.IntegrationTests/TestData/migrations/migrations.lock";
    private const string MigrationsDirectory = "src/Infrastructure/Persistence/Migrations";

    [Fact]
    public void Every_migration_is_in_the_lock_in_order_and_unchanged()
    {
        var problems = Problems(ReadLock(), Migrations(), Hashes);

        problems.ShouldBeEmpty(string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void An_edited_deleted_inserted_or_unlocked_migration_is_named_with_what_to_do()
    {
        Entry first = new("20270101000000_First", new string('1', 64), new string('2', 64));
        Entry second = new("20270102000000_Second", new string('3', 64), new string('4', 64));
        Entry[] locked = [first, second];
        string[] migrations = [first.Id, second.Id];
        Func<string, Entry?> unchanged = id => locked.SingleOrDefault(entry => entry.Id == id);

        Problems(locked, migrations, unchanged).ShouldBeEmpty();

        Problems(locked, migrations, id => id == second.Id ? second with { Code = new string('5', 64) } : unchanged(id))
            .ShouldHaveSingleItem().ShouldStartWith($"migration {second.Id} was edited ({second.Id}.cs): revert it and add a new migration instead");
        Problems(locked, migrations, id => id == first.Id ? first with { Designer = new string('5', 64) } : unchanged(id))
            .ShouldHaveSingleItem().ShouldStartWith($"migration {first.Id} was edited ({first.Id}.Designer.cs)");

        Problems(locked, [second.Id], unchanged).ShouldContain(problem => problem.StartsWith($"migration {first.Id} is gone", StringComparison.Ordinal));

        Entry between = new("20270101120000_Between", new string('6', 64), new string('7', 64));
        Problems(locked, [first.Id, between.Id, second.Id], id => id == between.Id ? between : unchanged(id))
            .ShouldContain(problem => problem.StartsWith($"migration {between.Id} sorts before {second.Id}", StringComparison.Ordinal));

        Entry later = new("20270103000000_Third", new string('8', 64), new string('9', 64));
        Problems(locked, [.. migrations, later.Id], id => id == later.Id ? later : unchanged(id))
            .ShouldHaveSingleItem().ShouldEndWith($"append this line to {LockFile}: {later.Id} {later.Code} {later.Designer}");
    }

    /// <summary>What is wrong with <paramref name="migrations"/> (in EF's order, by id) against the lock, each with what to do.</summary>
    private static List<string> Problems(IReadOnlyList<Entry> locked, IReadOnlyList<string> migrations, Func<string, Entry?> hashes)
    {
        var problems = new List<string>();
        for (var i = 0; i < locked.Count; i++)
        {
            var entry = locked[i];
            if (!migrations.Contains(entry.Id, StringComparer.Ordinal))
            {
                problems.Add($"migration {entry.Id} is gone: restore it (git checkout {entry.Id}*.cs). Migrations are append-only: a migration "
                    + "that has been merged has run on databases that will not run it again; undo it with a new migration.");
                continue;
            }

            if (i < migrations.Count && migrations[i] != entry.Id)
            {
                problems.Add($"migration {migrations[i]} sorts before {entry.Id}, which is in the lock: migrations are append-only, a new one "
                    + $"must have a later id. Remove it and add it again (dotnet ef migrations add), after {locked[^1].Id}.");
            }

            var actual = hashes(entry.Id);
            if (actual is null)
            {
                problems.Add($"migration {entry.Id}: {entry.Id}.cs or {entry.Id}.Designer.cs not found under {MigrationsDirectory}.");
            }
            else if (actual != entry)
            {
                var file = actual.Code != entry.Code ? entry.Id + ".cs" : entry.Id + ".Designer.cs";
                problems.Add($"migration {entry.Id} was edited ({file}): revert it and add a new migration instead (dotnet ef migrations add "
                    + "<Name>, docs/operations.md). Migrations are append-only: this one has run on databases that will not run it again.");
            }
        }

        foreach (var id in migrations.Where(id => !locked.Any(entry => entry.Id == id)))
        {
            if (string.CompareOrdinal(id, locked[^1].Id) < 0)
            {
                continue; // said above: it sorts before a locked one
            }

            problems.Add(hashes(id) is { } entry
                ? $"migration {id} is not in the lock: once it is tested, append this line to {LockFile}: {entry.Id} {entry.Code} {entry.Designer}"
                : $"migration {id}: {id}.cs or {id}.Designer.cs not found under {MigrationsDirectory}.");
        }

        return problems;
    }

    private static List<string> Migrations()
    {
        using var db = new EasyMoDbContext(DatabaseConnection.ContextOptions("Host=unused"));
        return [.. db.Database.GetMigrations()];
    }

    private static List<Entry> ReadLock()
    {
        var entries = File.ReadAllLines(Path.Combine(RepositoryRoot(), LockFile))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(fields => fields.Length == 3 ? new Entry(fields[0], fields[1], fields[2]) : throw new FormatException($"{LockFile}: '{string.Join(' ', fields)}' is not '<id> <sha256> <sha256>'"))
            .ToList();
        entries.ShouldNotBeEmpty(LockFile);
        return entries;
    }

    /// <summary>The SHA-256 of a migration's two files, over their text with LF line ends and no byte order mark.</summary>
    private static Entry? Hashes(string id)
    {
        var directory = Path.Combine(RepositoryRoot(), MigrationsDirectory);
        var code = Path.Combine(directory, id + ".cs");
        var designer = Path.Combine(directory, id + ".Designer.cs");
        return File.Exists(code) && File.Exists(designer) ? new Entry(id, Sha256(code), Sha256(designer)) : null;

        static string Sha256(string path)
        {
            var text = File.ReadAllText(path).TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal);
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        }
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

    private sealed record Entry(string Id, string Code, string Designer);
}
