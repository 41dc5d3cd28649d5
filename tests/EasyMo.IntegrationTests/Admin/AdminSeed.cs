using Npgsql;

namespace EasyMo.IntegrationTests.Admin;

/// <summary>Calls written straight into the real schema, for list and stats tests that need exact times and outcomes.</summary>
internal static class AdminSeed
{
    public sealed record SeedCall(
        string CallId,
        string Status,
        DateTimeOffset At,
        string Channel = "phone",
        string Language = "en",
        string? Caller = null,
        int? DurationSeconds = null,
        bool Accepted = false,
        bool FallbackQueued = false,
        Guid? ProfileId = null);

    public static async Task InsertAsync(string connectionString, params SeedCall[] calls)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var call in calls)
        {
            var accepted = call.Accepted || call.Status is "accepted" or "ended";
            DateTimeOffset? acceptedAt = accepted ? call.At.AddSeconds(1) : null;
            DateTimeOffset? endedAt = call.Status == "ended" ? acceptedAt!.Value.AddSeconds(call.DurationSeconds ?? 0) : null;
            DateTimeOffset? decidedAt = call.Status is "rejected" or "missed" or "failed" ? call.At.AddSeconds(1) : null;
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO calls (id, call_id, status, channel, language, caller, callee, profile_id, received_at, accepted_at, decided_at,
                                   ended_at, duration_seconds, end_reason, summary_status, summary_attempts)
                VALUES (@id, @call_id, @status, @channel, @language, @caller, '+250788000111', @profile_id, @at, @accepted_at, @decided_at,
                        @ended_at, @duration, @end_reason, 'none', 0)
                """,
                connection);
            command.Parameters.AddWithValue("id", Guid.CreateVersion7());
            command.Parameters.AddWithValue("call_id", call.CallId);
            command.Parameters.AddWithValue("status", call.Status);
            command.Parameters.AddWithValue("channel", call.Channel);
            command.Parameters.AddWithValue("language", call.Language);
            command.Parameters.AddWithValue("caller", (object?)call.Caller ?? DBNull.Value);
            command.Parameters.AddWithValue("profile_id", (object?)call.ProfileId ?? DBNull.Value);
            command.Parameters.AddWithValue("at", call.At);
            command.Parameters.AddWithValue("accepted_at", (object?)acceptedAt ?? DBNull.Value);
            command.Parameters.AddWithValue("decided_at", (object?)decidedAt ?? DBNull.Value);
            command.Parameters.AddWithValue("ended_at", (object?)endedAt ?? DBNull.Value);
            command.Parameters.AddWithValue("duration", (object?)(call.Status == "ended" ? call.DurationSeconds : null) ?? DBNull.Value);
            command.Parameters.AddWithValue("end_reason", call.Status switch
            {
                "ended" => "caller_hangup",
                "rejected" => "blocked",
                "missed" => "caller_gone",
                "failed" => "accept_failed",
                _ => (object)DBNull.Value,
            });
            await command.ExecuteNonQueryAsync();

            if (call.FallbackQueued)
            {
                await using var outbox = new NpgsqlCommand(
                    """
                    INSERT INTO outbox_messages (id, deduplication_key, recipient, body, language, status, attempts, created_at, next_attempt_at, kind)
                    VALUES (@id, @key, '250788000000', 'Sorry', 'en', 'pending', 0, @at, @at, 'text')
                    """,
                    connection);
                outbox.Parameters.AddWithValue("id", Guid.CreateVersion7());
                outbox.Parameters.AddWithValue("key", $"call-fallback:{call.CallId}");
                outbox.Parameters.AddWithValue("at", call.At.AddSeconds(2));
                await outbox.ExecuteNonQueryAsync();
            }
        }
    }
}
