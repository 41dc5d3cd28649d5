namespace EasyMo.Application.Common.Abstractions;

/// <summary>
/// A call summary cannot be made now (the model service failed, timed out, or answered without text). The message is
/// safe to log: it never carries transcript text, URLs or headers.
/// </summary>
public sealed class SummaryUnavailableException : Exception
{
    public SummaryUnavailableException()
        : base("The summary could not be made.")
    {
    }

    public SummaryUnavailableException(string message)
        : base(message)
    {
    }

    public SummaryUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
