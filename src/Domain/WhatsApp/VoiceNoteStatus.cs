namespace EasyMo.Domain.WhatsApp;

public enum VoiceNoteStatus
{
    /// <summary>Received; waiting for the worker that downloads, transcribes and answers it.</summary>
    Pending,
}
