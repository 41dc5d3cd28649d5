using EasyMo.Domain.Privacy;

namespace EasyMo.Domain.Calls;

/// <summary>
/// What the end of an accepted call records, from the little it depends on: when the call was accepted, whether the
/// caller consented, and (when the follower measured it) how long the caller waited. <see cref="Call.End"/> applies it
/// to a loaded call; the monitor, which knows all of it, has the store write it in one conditional statement (the call
/// still accepted, its consent still the one it knows).
/// </summary>
public readonly record struct CallEnd(
    DateTimeOffset EndedAt,
    CallEndReason Reason,
    int DurationSeconds,
    int? VoiceSeconds,
    SummaryStatus SummaryStatus,
    DateTimeOffset? SummaryDueAt,
    CallQuality? Quality)
{
    /// <summary>The analysis is due with the summary, and kept on the same condition (the caller's consent).</summary>
    public AnalysisStatus AnalysisStatus => SummaryStatus == SummaryStatus.Pending ? AnalysisStatus.Pending : AnalysisStatus.NotKept;

    public static CallEnd Of(DateTimeOffset acceptedAt, Consent consent, DateTimeOffset at, CallEndReason reason, int? voiceSeconds, CallQuality? quality = null)
    {
        var endedAt = at < acceptedAt ? acceptedAt : at;
        var keepsContent = consent == Consent.Granted;
        return new CallEnd(
            endedAt,
            reason,
            (int)Math.Round((endedAt - acceptedAt).TotalSeconds, MidpointRounding.AwayFromZero),
            voiceSeconds is >= 0 ? voiceSeconds : null,
            // Without the caller's consent nothing of the conversation was kept, so there is nothing to summarise.
            keepsContent ? SummaryStatus.Pending : SummaryStatus.NotKept,
            keepsContent ? endedAt : null,
            quality);
    }
}
