using EasyMo.Application.Common.Options;

namespace EasyMo.Infrastructure.WhatsApp;

/// <summary>The voice note worker (configuration section <c>VoiceNotes</c>).</summary>
public sealed class VoiceNoteOptions : IValidatedOptions
{
    public const string SectionName = "VoiceNotes";

    /// <summary>Transcribe and answer voice notes on this instance.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often due notes are claimed.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many notes one claim takes.</summary>
    public int BatchSize { get; set; } = 5;

    /// <summary>Largest audio downloaded and transcribed (16 MiB, WhatsApp's own limit for audio).</summary>
    public long MaxBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The MIME types transcribed (parameters such as <c>; codecs=opus</c> are ignored); others get a polite reply.</summary>
    public IList<string> AllowedMimeTypes { get; set; } = [];

    /// <summary>The types accepted when <see cref="AllowedMimeTypes"/> is left empty.</summary>
    public static IReadOnlyList<string> DefaultMimeTypes { get; } =
        ["audio/ogg", "audio/mpeg", "audio/mp4", "audio/aac", "audio/amr", "audio/wav", "audio/webm"];

    /// <summary>Attempts before a note that keeps failing for a passing reason is marked failed.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait after the first failed attempt; it doubles with each attempt, with jitter, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait between two attempts.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a claimed note belongs to its worker; a note of a worker that died is due again after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The transcription model (<c>POST /audio/transcriptions</c>).</summary>
    public string TranscriptionModel { get; set; } = "gpt-4o-mini-transcribe";

    /// <summary>The model writing the reply (Responses API).</summary>
    public string ReplyModel { get; set; } = "gpt-4o-mini";

    public int MaxOutputTokens { get; set; } = 300;

    /// <summary>One OpenAI request (transcription or reply), retries included.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The most one note may take: its three requests (media, transcription, reply), each within
    /// <see cref="RequestTimeout"/>, and a second for the database. A note is started only while this much of its lease is left.
    /// </summary>
    public TimeSpan ItemDeadline => (RequestTimeout * 3) + TimeSpan.FromSeconds(1);

    public IReadOnlyList<string> MimeTypes => AllowedMimeTypes.Count > 0 ? [.. AllowedMimeTypes] : DefaultMimeTypes;

    /// <summary>Whether <paramref name="mimeType"/> (such as <c>audio/ogg; codecs=opus</c>) is transcribed.</summary>
    public bool Accepts(string? mimeType)
    {
        if (string.IsNullOrWhiteSpace(mimeType))
        {
            return false;
        }

        var semicolon = mimeType.IndexOf(';', StringComparison.Ordinal);
        var type = (semicolon >= 0 ? mimeType[..semicolon] : mimeType).Trim();
        return MimeTypes.Any(allowed => string.Equals(allowed.Trim(), type, StringComparison.OrdinalIgnoreCase));
    }

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (SweepInterval <= TimeSpan.Zero)
        {
            problems.Add("VoiceNotes:SweepInterval must be positive.");
        }

        if (BatchSize < 1)
        {
            problems.Add("VoiceNotes:BatchSize must be at least 1.");
        }

        if (MaxBytes < 1)
        {
            problems.Add("VoiceNotes:MaxBytes must be positive.");
        }

        if (MaxAttempts < 1)
        {
            problems.Add("VoiceNotes:MaxAttempts must be at least 1.");
        }

        if (BaseDelay <= TimeSpan.Zero || MaxDelay < BaseDelay)
        {
            problems.Add("VoiceNotes:BaseDelay must be positive and at most VoiceNotes:MaxDelay.");
        }

        if (LeaseDuration <= TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add("VoiceNotes:LeaseDuration and VoiceNotes:RequestTimeout must be positive.");
        }
        else if (LeaseDuration <= ItemDeadline)
        {
            problems.Add("VoiceNotes:LeaseDuration must be longer than three VoiceNotes:RequestTimeout and a second (one note's three requests).");
        }

        return problems;
    }
}
