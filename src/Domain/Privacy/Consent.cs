namespace EasyMo.Domain.Privacy;

/// <summary>
/// Whether a caller agreed that what they say may be kept (transcripts, summaries, requests, voice notes, recordings).
/// Without <see cref="Granted"/> only a call's metadata is stored.
/// </summary>
public enum Consent
{
    /// <summary>The question was not asked or not answered.</summary>
    NotAsked,

    Granted,

    Denied,
}
