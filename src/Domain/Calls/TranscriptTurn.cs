using EasyMo.Domain.Common;

namespace EasyMo.Domain.Calls;

/// <summary>One turn of a call's conversation, as the sideband socket reported its transcript.</summary>
public sealed class TranscriptTurn
{
    private TranscriptTurn()
    {
        // For EF Core.
        Text = string.Empty;
        ItemId = string.Empty;
    }

    public Guid Id { get; private set; }

    /// <summary>The call (<see cref="Call.Id"/>).</summary>
    public Guid CallId { get; private set; }

    /// <summary>Order within the call, from 1.</summary>
    public int Sequence { get; private set; }

    public Speaker Speaker { get; private set; }

    public string Text { get; private set; }

    /// <summary>OpenAI's conversation item id: a turn is stored once however often its event is seen.</summary>
    public string ItemId { get; private set; }

    public DateTimeOffset At { get; private set; }

    public const int MaxTextLength = 8000;

    public static TranscriptTurn Create(Guid callId, int sequence, Speaker speaker, string text, string itemId, DateTimeOffset at) =>
        new()
        {
            Id = Guid.CreateVersion7(at),
            CallId = callId,
            Sequence = sequence,
            Speaker = speaker,
            Text = UntrustedText.OneLine(text, MaxTextLength) ?? string.Empty,
            ItemId = itemId,
            At = at,
        };
}

public enum Speaker
{
    Caller,
    Agent,
}
