using EasyMo.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.Infrastructure.Work;

/// <summary>
/// Named leases (<c>work_leases</c>), taken, extended and compared with the database's clock (<c>now()</c>), never an
/// instance's own: two instances whose clocks disagree still agree on who holds a lease.
/// </summary>
internal static class WorkLeases
{
    /// <summary>
    /// Takes <paramref name="name"/> for <paramref name="holder"/> until the database's <c>now()</c> +
    /// <paramref name="duration"/> when it is free, ran out, or is already the holder's (then it is extended). Returns
    /// when it ends, or null when another holder has it.
    /// </summary>
    public static async Task<DateTimeOffset?> TryTakeAsync(
        EasyMoDbContext db, string name, string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        var taken = await db.Database.SqlQuery<DateTimeOffset>(
            $"""
            INSERT INTO work_leases (name, holder, lease_until) VALUES ({name}, {holder}, now() + {duration})
            ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, lease_until = EXCLUDED.lease_until
            WHERE work_leases.lease_until < now() OR work_leases.holder = EXCLUDED.holder
            RETURNING lease_until AS "Value"
            """).ToListAsync(cancellationToken);
        return taken.Count == 1 ? taken[0] : null;
    }

    /// <summary>Gives <paramref name="name"/> up, if <paramref name="holder"/> still holds it.</summary>
    public static Task<int> ReleaseAsync(EasyMoDbContext db, string name, string holder, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM work_leases WHERE name = {name} AND holder = {holder}", cancellationToken);
}
