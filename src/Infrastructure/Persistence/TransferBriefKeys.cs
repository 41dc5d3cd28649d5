using EasyMo.Domain.Messaging;

namespace EasyMo.Infrastructure.Persistence;

/// <summary>
/// The one SQL test of "this outbox key is a brief of that call" (<c>transfer-brief:{callId}:{n}</c>,
/// <see cref="OutboxMessage.TransferBrief"/>): the call's prefix and the ordinal alone after it, since a call's id may
/// itself hold a colon and another call's id may start with this one's.
/// </summary>
internal static class TransferBriefKeys
{
    /// <summary>The condition on the SQL expressions <paramref name="key"/> (a deduplication key) and <paramref name="callId"/>.</summary>
    public static string Of(string key, string callId) =>
        $"(starts_with({key}, {Prefix(callId)}) AND substr({key}, length({Prefix(callId)}) + 1) ~ '^[0-9]+$')";

    /// <summary>The brief's ordinal (text) in <paramref name="key"/>, for a key that is one of the call's briefs.</summary>
    public static string Ordinal(string key, string callId) => $"substr({key}, length({Prefix(callId)}) + 1)";

    private static string Prefix(string callId) => $"('{OutboxMessage.TransferBriefKeyPrefix}' || {callId} || ':')";
}
