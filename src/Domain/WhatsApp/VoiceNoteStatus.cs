namespace EasyMo.Domain.WhatsApp;

public enum VoiceNoteStatus
{
    /// <summary>Received; waiting for the worker that downloads, transcribes and answers it.</summary>
    Pending,

    /// <summary>Transcribed and answered: the reply is queued in the outbox.</summary>
    Answered,

    /// <summary>Not transcribed (too large, or a type that is not accepted): a polite text reply is queued instead.</summary>
    Rejected,

    /// <summary>Out of attempts: nothing more is done with it.</summary>
    Failed,

    /// <summary>
    /// Kept only until the sender answers the consent question (sent by text): a yes makes it pending, a no deletes it.
    /// Nothing of it is downloaded or transcribed meanwhile.
    /// </summary>
    AwaitingConsent,
}
