namespace EasyMo.Domain.Messaging;

public enum OutboxStatus
{
    Pending,
    Sent,
    GivenUp,
}
