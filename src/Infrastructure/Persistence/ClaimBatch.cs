using EasyMo.Domain.Calls;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// The claim of a call as one batch, one round trip and one implicit transaction (Npgsql sends a batch with one Sync, and
/// PostgreSQL runs it as a single transaction): the webhook delivery's <c>INSERT</c>, the call's <c>INSERT</c> (built
/// from the EF model, so that it writes every mapped column as <c>SaveChanges</c> would, with the same text and the same
/// parameter conversions), and, under a live-call ceiling, the ceiling's advisory lock and count. The lock is taken after
/// the inserts and released by the commit in the same batch, so it is held for the count and the commit only, never
/// across a round trip to the service (whose continuation may wait for a busy thread pool), nor across a disk flush (see
/// the ceiling's commit below).
/// </summary>
internal static class ClaimBatch
{
    private const string DeliveryInsert = """
        INSERT INTO webhook_deliveries (webhook_id, call_id, event_type, received_at, source)
        VALUES ($1, $2, $3, $4, 'openai')
        """;

    /// <summary>Makes the call's parameters as EF Core's type mappings make them (stateless: one for all claims).</summary>
    private static readonly NpgsqlCommand ParameterFactory = new();

    /// <summary>The call's <c>INSERT</c> for the model it was built from (a reference: read and replaced whole).</summary>
    private static InsertStatement? _insert;

    /// <summary>
    /// Runs the claim for <paramref name="entry"/> (a call just added to the context): returns whether the ceiling is
    /// passed (<c>false</c> without <paramref name="count"/>), with the call's entry then unchanged, as stored.
    /// </summary>
    public static async Task<bool> RunAsync(
        EasyMoDbContext db, EntityEntry<Call> entry, string webhookId, string eventType, NpgsqlBatchCommand[]? count, int max,
        CancellationToken cancellationToken)
    {
        var (_, sql, columns, generated) = InsertOf(db.Model);
        var insert = new NpgsqlBatchCommand(sql);
        foreach (var column in columns)
        {
            var mapping = column.GetRelationalTypeMapping();
            insert.Parameters.Add((NpgsqlParameter)mapping.CreateParameter(ParameterFactory, string.Empty, entry.Property(column.Name).CurrentValue, column.IsNullable));
        }

        var call = entry.Entity;
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(DeliveryInsert)
                {
                    Parameters =
                    {
                        new NpgsqlParameter { Value = webhookId },
                        new NpgsqlParameter { Value = call.CallId.Value },
                        new NpgsqlParameter { Value = eventType },
                        new NpgsqlParameter { Value = call.ReceivedAt },
                    },
                },
                insert,
            },
        };
        if (count is not null)
        {
            // Under the ceiling's lock, the commit must not wait for the disk: the transaction commits asynchronously (its
            // lock released as soon as its rows are visible), and the batch's last statement, a transaction of its own
            // with an id and a synchronous commit, returns only once the WAL is flushed past it, so the claim is as
            // durable when the batch returns as it was before, and the flushes of concurrent claims are shared.
            batch.BatchCommands.Insert(0, new NpgsqlBatchCommand("BEGIN"));
            batch.BatchCommands.Insert(1, new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO off"));
            foreach (var command in count)
            {
                batch.BatchCommands.Add(command);
            }

            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT txid_current()"));
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var claimedAt = reader.GetFieldValue<DateTimeOffset>(0);
            var lines = 0;
            if (count is not null)
            {
                await reader.NextResultAsync(cancellationToken); // the lock
                await reader.NextResultAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                lines = reader.GetInt32(0);
            }

            while (await reader.NextResultAsync(cancellationToken))
            {
                // The flush: read to the end, so that its error (if any) is this call's.
            }

            entry.Property(generated.Name).CurrentValue = claimedAt;
            entry.State = EntityState.Unchanged;
            return count is not null && lines > max;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The call's <c>INSERT</c> as EF Core writes it: every column but the store-generated one, in the model's order.</summary>
    private static InsertStatement InsertOf(IModel model)
    {
        if (Volatile.Read(ref _insert) is { } cached && ReferenceEquals(cached.Model, model))
        {
            return cached;
        }

        var type = model.FindEntityType(typeof(Call)) ?? throw new InvalidOperationException("Call is not in the model.");
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var properties = type.GetProperties().ToArray();
        var generated = properties.Single(property => property.ValueGenerated == ValueGenerated.OnAdd && property.GetDefaultValueSql() is not null);
        var columns = properties.Where(property => property != generated).ToArray();
        var names = columns.Select(property => property.GetColumnName(table)!).ToArray();
        var sql = $"INSERT INTO {table.Name} ({string.Join(", ", names)})\nVALUES ({string.Join(", ", names.Select((_, i) => $"${i + 1}"))})\nRETURNING {generated.GetColumnName(table)}";
        var built = new InsertStatement(model, sql, columns, generated);
        Volatile.Write(ref _insert, built);
        return built;
    }

    private sealed record InsertStatement(IModel Model, string Sql, IProperty[] Columns, IProperty Generated);
}
