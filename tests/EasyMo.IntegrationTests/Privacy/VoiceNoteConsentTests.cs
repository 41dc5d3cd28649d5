using EasyMo.Application.Features.Privacy;
using EasyMo.Domain.Common;
using EasyMo.Domain.Privacy;
using EasyMo.Domain.WhatsApp;
using EasyMo.IntegrationTests.WhatsApp;
using Microsoft.EntityFrameworkCore;
using static EasyMo.IntegrationTests.WhatsApp.WhatsAppPayloads;

namespace EasyMo.IntegrationTests.Privacy;

/// <summary>Issue 7 item 2 for voice notes: a sender never asked gets the question by text; the note waits for the answer.</summary>
public sealed class VoiceNoteConsentTests : IAsyncLifetime
{
    private WhatsAppHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await WhatsAppHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private async Task<VoiceNote?> NoteAsync(string messageId)
    {
        await using var db = _host.App.Db();
        return await db.VoiceNotes.AsNoTracking().SingleOrDefaultAsync(n => n.MessageId == messageId, Ct);
    }

    private async Task<Consent> ProfileConsentAsync(string waId)
    {
        await using var db = _host.App.Db();
        return (await db.Profiles.AsNoTracking().SingleAsync(p => p.WhatsAppId == waId.AsWaId(), Ct)).Consent;
    }

    [Fact]
    public async Task A_first_voice_note_waits_and_the_sender_gets_the_question_in_their_language()
    {
        var (messageId, waId) = (NewMessageId(), NewWaId());

        (await _host.PostOkAsync(Audio(messageId, waId, "media-1"))).Recorded.ShouldBe(1);

        (await NoteAsync(messageId)).ShouldNotBeNull().Status.ShouldBe(VoiceNoteStatus.AwaitingConsent);
        await using var db = _host.App.Db();
        var question = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Recipient == waId, Ct);
        question.DeduplicationKey.ShouldBe($"consent-question:{messageId}");
        question.Body.ShouldBe(ConsentReply.Question(Language.Kinyarwanda));
    }

    [Theory]
    [InlineData("Yego")]
    [InlineData("yes!")]
    [InlineData("OUI")]
    public async Task A_yes_hands_the_waiting_note_to_the_worker_and_is_remembered(string reply)
    {
        var (messageId, waId) = (NewMessageId(), NewWaId());
        await _host.PostOkAsync(Audio(messageId, waId, "media-2"));

        await _host.PostOkAsync(Text(NewMessageId(), waId, "Caller Name", reply));

        (await NoteAsync(messageId)).ShouldNotBeNull().Status.ShouldBe(VoiceNoteStatus.Pending);
        (await ProfileConsentAsync(waId)).ShouldBe(Consent.Granted);
    }

    [Fact]
    public async Task A_no_deletes_the_waiting_note_and_later_notes_are_not_kept()
    {
        var (messageId, waId) = (NewMessageId(), NewWaId());
        await _host.PostOkAsync(Audio(messageId, waId, "media-3"));

        await _host.PostOkAsync(Text(NewMessageId(), waId, "Caller Name", "Oya"));
        var later = NewMessageId();
        await _host.PostOkAsync(Audio(later, waId, "media-4"));

        (await NoteAsync(messageId)).ShouldBeNull();
        (await NoteAsync(later)).ShouldBeNull();
        (await ProfileConsentAsync(waId)).ShouldBe(Consent.Denied);
        await using var db = _host.App.Db();
        (await db.OutboxMessages.CountAsync(m => m.Recipient == waId, Ct)).ShouldBe(1); // asked once, not again
    }

    [Fact]
    public async Task A_yes_that_answers_no_question_grants_nothing()
    {
        var waId = NewWaId();

        await _host.PostOkAsync(Text(NewMessageId(), waId, "Caller Name", "yes"));

        (await ProfileConsentAsync(waId)).ShouldBe(Consent.NotAsked);
    }

    [Fact]
    public async Task Other_text_leaves_the_note_waiting()
    {
        var (messageId, waId) = (NewMessageId(), NewWaId());
        await _host.PostOkAsync(Audio(messageId, waId, "media-5"));

        await _host.PostOkAsync(Text(NewMessageId(), waId, "Caller Name", "yes please, and a moto to Remera"));

        (await NoteAsync(messageId)).ShouldNotBeNull().Status.ShouldBe(VoiceNoteStatus.AwaitingConsent);
        (await ProfileConsentAsync(waId)).ShouldBe(Consent.NotAsked);
    }
}
