using EasyMo.Domain.Common;
using EasyMo.Domain.Messaging;
using EasyMo.Domain.WhatsApp;

namespace EasyMo.UnitTests.WhatsApp;

public sealed class VoiceNoteTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private static VoiceNote NewNote() =>
        VoiceNote.Receive("wamid.V1", new WaId("250788123456"), null, "123", "media-1", "audio/ogg; codecs=opus", isVoice: true, T0, T0);

    [Fact]
    public void A_received_note_is_pending_and_due_now()
    {
        var note = NewNote();

        note.Status.ShouldBe(VoiceNoteStatus.Pending);
        note.NextAttemptAt.ShouldBe(T0);
        note.Attempts.ShouldBe(0);
        note.Transcript.ShouldBeNull();
    }

    [Fact]
    public void A_claim_pushes_the_due_time_to_the_end_of_the_lease_without_counting_an_attempt()
    {
        var note = NewNote();

        note.Claim(T0.AddMinutes(2), T0);

        note.NextAttemptAt.ShouldBe(T0.AddMinutes(2));
        note.Attempts.ShouldBe(0);
        Should.Throw<DomainException>(() => note.Claim(T0, T0));
    }

    [Fact]
    public void A_transcribed_note_is_answered_once_and_cannot_change_afterwards()
    {
        var note = NewNote();
        Should.Throw<DomainException>(() => note.Answer("Hello", Language.English, T0));

        note.RetryAt(T0.AddSeconds(10), "transcription: HTTP 500", T0);
        note.RecordTranscript("  I need a ride  ", T0.AddSeconds(10));
        note.Answer("Sure, open the app.", Language.French, T0.AddSeconds(11));

        note.Status.ShouldBe(VoiceNoteStatus.Answered);
        note.Attempts.ShouldBe(2);
        note.Transcript.ShouldBe("I need a ride");
        note.ReplyText.ShouldBe("Sure, open the app.");
        note.ReplyLanguage.ShouldBe(Language.French);
        note.LastError.ShouldBeNull();
        note.CompletedAt.ShouldBe(T0.AddSeconds(11));
        Should.Throw<DomainException>(() => note.Fail("late", T0.AddMinutes(1)));
        Should.Throw<DomainException>(() => note.Claim(T0.AddMinutes(5), T0.AddMinutes(1)));
    }

    [Fact]
    public void A_rejected_note_keeps_its_polite_reply_and_the_reason()
    {
        var note = NewNote();

        note.Reject("too large", "Sorry, that voice note is too long.", Language.English, T0);

        note.Status.ShouldBe(VoiceNoteStatus.Rejected);
        note.LastError.ShouldBe("too large");
        note.ReplyText.ShouldBe("Sorry, that voice note is too long.");
        note.Transcript.ShouldBeNull();
    }

    [Fact]
    public void A_note_out_of_attempts_fails()
    {
        var note = NewNote();

        note.Fail("transcription: timed out", T0);

        note.Status.ShouldBe(VoiceNoteStatus.Failed);
        note.Attempts.ShouldBe(1);
        Should.Throw<DomainException>(() => note.RecordTranscript("x", T0));
    }

    [Fact]
    public void The_reply_is_queued_once_per_note()
    {
        var message = OutboxMessage.VoiceNoteReply("wamid.V1", PhoneNumber.Parse("+250788123456"), Language.Kinyarwanda, " Muraho ", T0);

        message.DeduplicationKey.ShouldBe("voice-note-reply:wamid.V1");
        message.Recipient.ShouldBe("250788123456");
        message.Body.ShouldBe("Muraho");
        message.Language.ShouldBe(Language.Kinyarwanda);
        message.Kind.ShouldBe(OutboxMessageKind.Text);
        message.Status.ShouldBe(OutboxStatus.Pending);
        message.NextAttemptAt.ShouldBe(T0);
    }
}
