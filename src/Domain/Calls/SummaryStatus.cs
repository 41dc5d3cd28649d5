namespace EasyMo.Domain.Calls;

/// <summary>Whether a call's post-call summary exists.</summary>
public enum SummaryStatus
{
    /// <summary>No summary is needed (the call was never answered, or has not ended).</summary>
    None,

    /// <summary>Due at <see cref="Call.SummaryDueAt"/>.</summary>
    Pending,

    Done,

    /// <summary>Given up after the configured number of attempts.</summary>
    Failed,

    /// <summary>No summary is made: the caller did not agree that the conversation may be kept.</summary>
    NotKept,
}
