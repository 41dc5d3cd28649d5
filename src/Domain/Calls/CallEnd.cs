using EasyMo.Domain.Privacy;

namespace EasyMo.Domain.Calls;

/// <summary>
/// What the end of an accepted call records, from the little it depends on: when the call was accepted and whether the
/// caller consented. <see cref="Call.End"/> applies it to a loaded call; the monitor, which knows both, has the store
/// write it in one conditional statement (the call still accepted, its consent still the one it knows).
/// </summary>
public readonly record struct CallEnd(
    DateTimeOffset EndedAt,
    CallEndReason Reason,
    int DurationSeconds,
    int? VoiceSeconds,
    SummaryStatus SummaryStatus,
    DateTimeOffset? SummaryDueAt)
{
    public static CallEnd Of(DateTimeOffset acceptedAt, Consent consent, DateTimeOffset at, CallEndReason reason, int? voiceSeconds)
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
            keepsContent ? endedAt : null);
    }
}
