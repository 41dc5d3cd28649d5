namespace EasyMo.Domain.Messaging;

/// <summary>What is sent for an outbox message: its text, or (outside the 24-hour window) an approved template.</summary>
public enum OutboxMessageKind
{
    Text,
    Template,
}
