using EasyMo.Domain.Calls;
using EasyMo.Domain.Profiles;
using EasyMo.Domain.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasyMo.Infrastructure.Persistence.Configurations;

internal sealed class WhatsAppCallConfiguration : IEntityTypeConfiguration<WhatsAppCall>
{
    public void Configure(EntityTypeBuilder<WhatsAppCall> builder)
    {
        builder.ToTable("whatsapp_calls", table =>
        {
            table.HasCheckConstraint("ck_whatsapp_calls_status", "status IN ('connected','ringing','accepted','rejected','terminated')");
            table.HasCheckConstraint("ck_whatsapp_calls_duration", "duration_seconds IS NULL OR duration_seconds >= 0");
        });
        builder.HasKey(call => call.Id);
        builder.Property(call => call.Id).ValueGeneratedNever();
        builder.Property(call => call.WhatsAppCallId).HasColumnName("whatsapp_call_id").HasMaxLength(256).IsRequired();
        builder.HasIndex(call => call.WhatsAppCallId).IsUnique();
        builder.Property(call => call.Direction).HasConversion(ValueConverters.SnakeCase<WhatsAppCallDirection>()).HasMaxLength(32);
        builder.Property(call => call.Status).HasConversion(ValueConverters.SnakeCase<WhatsAppCallStatus>()).HasMaxLength(16);
        builder.Property(call => call.UserWaId).HasColumnName("user_wa_id").HasConversion(ValueConverters.WaId).HasMaxLength(WaId.MaxLength);
        builder.Property(call => call.UserPhone).HasConversion(ValueConverters.Phone).HasMaxLength(16);
        builder.Property(call => call.BusinessPhoneNumberId).HasMaxLength(256);
        builder.Property(call => call.TerminationStatus).HasMaxLength(WhatsAppCall.MaxTerminationStatusLength);
        builder.Property(call => call.ErrorCodes).IsRequired();
        builder.Property(call => call.UserPseudonym).HasMaxLength(68);
        builder.Ignore(call => call.IsTerminated);

        builder.HasOne<Profile>().WithMany().HasForeignKey(call => call.ProfileId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Call>().WithMany().HasForeignKey(call => call.CallId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(call => call.ProfileId);
        builder.HasIndex(call => call.CallId);
    }
}

internal sealed class VoiceNoteConfiguration : IEntityTypeConfiguration<VoiceNote>
{
    public void Configure(EntityTypeBuilder<VoiceNote> builder)
    {
        builder.ToTable("voice_notes");
        builder.HasKey(note => note.Id);
        builder.Property(note => note.Id).ValueGeneratedNever();
        builder.Property(note => note.MessageId).HasMaxLength(256).IsRequired();
        builder.HasIndex(note => note.MessageId).IsUnique();
        builder.Property(note => note.SenderWaId).HasColumnName("sender_wa_id").HasConversion(ValueConverters.WaId).HasMaxLength(WaId.MaxLength).IsRequired();
        builder.Property(note => note.BusinessPhoneNumberId).HasMaxLength(256);
        builder.Property(note => note.MediaId).HasMaxLength(256).IsRequired();
        builder.Property(note => note.MimeType).HasMaxLength(VoiceNote.MaxMimeTypeLength);
        builder.Property(note => note.IsVoice).HasColumnName("voice");
        builder.Property(note => note.Status).HasConversion(ValueConverters.SnakeCase<VoiceNoteStatus>()).HasMaxLength(16);
        builder.Property(note => note.ReplyLanguage).HasConversion(ValueConverters.OptionalLanguage).HasMaxLength(8);
        builder.Property(note => note.LastError).HasMaxLength(512);
        builder.Property(note => note.NextAttemptAt).IsConcurrencyToken(); // a worker saves only while it holds the lease
        builder.HasOne<Profile>().WithMany().HasForeignKey(note => note.ProfileId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(note => note.ProfileId);

        // The worker that transcribes and answers notes takes the pending ones that are due (leases run out).
        builder.HasIndex(note => note.NextAttemptAt).HasDatabaseName("ix_voice_notes_pending").HasFilter("status = 'pending'");
    }
}

internal sealed class CallRecordingConfiguration : IEntityTypeConfiguration<CallRecording>
{
    public void Configure(EntityTypeBuilder<CallRecording> builder)
    {
        builder.ToTable("call_recordings", table => table.HasCheckConstraint("ck_call_recordings_kind", "kind IN ('recording','transcription')"));
        builder.HasKey(recording => recording.Id);
        builder.Property(recording => recording.Id).ValueGeneratedNever();
        builder.Property(recording => recording.WhatsAppCallId).HasColumnName("whatsapp_call_id").HasMaxLength(256).IsRequired();
        builder.Property(recording => recording.Kind).HasMaxLength(16);
        builder.Property(recording => recording.Reference).HasColumnType("jsonb");
        builder.HasOne<Profile>().WithMany().HasForeignKey(recording => recording.ProfileId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(recording => new { recording.WhatsAppCallId, recording.Kind });
        builder.HasIndex(recording => recording.ProfileId);
        builder.HasIndex(recording => recording.ReceivedAt);
    }
}

internal sealed class WhatsAppEventConfiguration : IEntityTypeConfiguration<WhatsAppEvent>
{
    public void Configure(EntityTypeBuilder<WhatsAppEvent> builder)
    {
        builder.ToTable("whatsapp_events");
        builder.HasKey(e => e.EventKey);
        builder.Property(e => e.EventKey).HasMaxLength(320);
        builder.Property(e => e.Kind).HasMaxLength(32);
    }
}
