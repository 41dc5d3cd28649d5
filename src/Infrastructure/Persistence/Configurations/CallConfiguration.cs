using EasyMo.Domain.Calls;
using EasyMo.Domain.Privacy;
using EasyMo.Domain.Profiles;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasyMo.Infrastructure.Persistence.Configurations;

internal sealed class CallConfiguration : IEntityTypeConfiguration<Call>
{
    /// <summary>The shadow property (<c>monitor_owner</c>) naming the instance that follows a live call.</summary>
    public const string MonitorOwner = "MonitorOwner";

    /// <summary>The unique index a second runtime's claim of the same SIP call runs into.</summary>
    public const string SipCallIdIndex = "ux_calls_sip_call_id";

    public void Configure(EntityTypeBuilder<Call> builder)
    {
        builder.ToTable("calls", table =>
        {
            table.HasCheckConstraint("ck_calls_status", "status IN ('ringing','accepted','rejected','missed','failed','ended')");
            table.HasCheckConstraint("ck_calls_duration", "duration_seconds IS NULL OR duration_seconds >= 0");
            table.HasCheckConstraint("ck_calls_identity", "identity IN ('verified','unverified')");
            table.HasCheckConstraint("ck_calls_runtime", "runtime IN ('realtime','live')");
            table.HasCheckConstraint("ck_calls_voice_seconds", "voice_seconds IS NULL OR voice_seconds >= 0");
            table.HasCheckConstraint("ck_calls_analysis_status", "analysis_status IN ('none','pending','done','failed','not_kept')");
            table.HasCheckConstraint("ck_calls_analysis_outcome", "analysis_outcome IS NULL OR analysis_outcome IN ('resolved','follow_up','not_resolved')");
            table.HasCheckConstraint("ck_calls_analysis_sentiment", "analysis_sentiment IS NULL OR analysis_sentiment IN ('positive','neutral','negative')");
            table.HasCheckConstraint("ck_calls_analysis_language", "analysis_language IS NULL OR analysis_language IN ('en','fr','rw','other')");
        });
        builder.HasKey(call => call.Id);
        builder.Property(call => call.Id).ValueGeneratedNever();
        builder.Property(call => call.CallId).HasConversion(ValueConverters.OpenAiCallId).HasMaxLength(Domain.Calls.OpenAiCallId.MaxLength).IsRequired();
        builder.HasIndex(call => call.CallId).IsUnique();
        builder.Property(call => call.Status).HasConversion(ValueConverters.SnakeCase<CallStatus>()).HasMaxLength(16);
        builder.Property(call => call.Channel).HasConversion(ValueConverters.Channel).HasMaxLength(16);
        builder.Property(call => call.Trunk).HasMaxLength(Call.MaxTrunkLength);
        builder.Property(call => call.Language).HasConversion(ValueConverters.Language).HasMaxLength(8);
        builder.Property(call => call.Caller).HasConversion(ValueConverters.Phone).HasMaxLength(16);
        builder.Property(call => call.CallerName).HasMaxLength(Call.MaxCallerNameLength);
        builder.Property(call => call.Callee).HasConversion(ValueConverters.Phone).HasMaxLength(16);
        builder.Property(call => call.WhatsAppCallId).HasColumnName("whatsapp_call_id").HasMaxLength(Call.MaxWhatsAppCallIdLength);
        builder.Property(call => call.EndReason).HasConversion(ValueConverters.SnakeCase<CallEndReason>()).HasMaxLength(32);
        builder.Property(call => call.Model).HasMaxLength(64);
        builder.Property(call => call.Voice).HasMaxLength(64);
        builder.Property(call => call.TransferTarget).HasMaxLength(256);
        builder.Property(call => call.Summary).HasMaxLength(4000);
        builder.Property(call => call.SummaryStatus).HasConversion(ValueConverters.SnakeCase<SummaryStatus>()).HasMaxLength(16);
        builder.Property(call => call.AnalysisService).HasMaxLength(CallRequest.MaxServiceLength);
        builder.Property(call => call.AnalysisOutcome).HasConversion(ValueConverters.SnakeCase<CallOutcome>()).HasMaxLength(16);
        builder.Property(call => call.AnalysisSentiment).HasConversion(ValueConverters.SnakeCase<CallerSentiment>()).HasMaxLength(16);
        builder.Property(call => call.AnalysisLanguage).HasConversion(ValueConverters.SnakeCase<SpokenLanguage>()).HasMaxLength(8);
        // Calls from before the analysis existed have none ('none'), and none is due.
        builder.Property(call => call.AnalysisStatus).HasConversion(ValueConverters.SnakeCase<AnalysisStatus>()).HasMaxLength(16)
            .HasDefaultValue(AnalysisStatus.None).HasSentinel((AnalysisStatus)(-1));
        builder.Ignore(call => call.Analysis);
        builder.Property(call => call.Consent).HasConversion(ValueConverters.SnakeCase<Consent>()).HasMaxLength(16).HasDefaultValue(Consent.NotAsked).HasSentinel((Consent)(-1));
        builder.Property(call => call.CallerPseudonym).HasMaxLength(68);

        // Rows from before attestation existed are unverified; the sentinel makes EF send the value on every insert.
        builder.Property(call => call.Identity).HasConversion(ValueConverters.SnakeCase<CallerIdentity>()).HasMaxLength(16)
            .HasDefaultValue(CallerIdentity.Unverified).HasSentinel((CallerIdentity)(-1));
        // Rows from before GPT-Live were all answered on Realtime.
        builder.Property(call => call.Runtime).HasConversion(ValueConverters.SnakeCase<VoiceRuntime>()).HasMaxLength(16)
            .HasDefaultValue(VoiceRuntime.Realtime).HasSentinel((VoiceRuntime)(-1));
        builder.Property(call => call.SipCallId).HasMaxLength(Call.MaxSipCallIdLength);
        // When the decision was claimed, by the database's clock (a default, never sent by the service): a claim older than
        // Calls:ClaimTimeout and still ringing is taken over, and a ringing one within it counts toward the ceiling.
        builder.Property<DateTimeOffset>("ClaimedAt").HasColumnName("claimed_at").HasDefaultValueSql("now()").ValueGeneratedOnAdd();
        builder.Ignore(call => call.IsLive);
        builder.Ignore(call => call.KeepsContent);

        builder.HasOne<Profile>().WithMany().HasForeignKey(call => call.ProfileId).OnDelete(DeleteBehavior.SetNull);

        // Operators list calls newest first, a keyset page at a time: (received_at, call_id) < (last row's), so the index
        // carries the tie-break too. Status and caller filters have composites of their own, so that a rare status or one
        // caller's calls are not looked for along the whole list; channel and language (two or three values) filter on the
        // main walk. The stats read day ranges of the same index. The live-call ceiling counts recent accepted calls only.
        builder.HasIndex(call => new { call.ReceivedAt, call.CallId }).IsDescending();
        builder.HasIndex(call => new { call.Status, call.ReceivedAt, call.CallId }).IsDescending(false, true, true);
        builder.HasIndex(call => new { call.Caller, call.ReceivedAt, call.CallId }).IsDescending(false, true, true);
        builder.HasIndex(call => new { call.ProfileId, call.ReceivedAt }).IsDescending(false, true);
        builder.HasIndex(call => call.AcceptedAt).HasDatabaseName("ix_calls_live").HasFilter("status = 'accepted'");

        // Which instance follows a live call over the sideband socket: held under that instance's lease in work_leases
        // (one heartbeat for all its calls), so not the domain's business. Indexed only while set, so that the decision's
        // UPDATE of a call (owner still NULL) does not maintain it.
        builder.Property<string?>(MonitorOwner).HasMaxLength(WorkLease.MaxNameLength);
        builder.Property(call => call.TurnWaitP50Ms).HasColumnName("turn_wait_p50_ms");
        builder.Property(call => call.TurnWaitP95Ms).HasColumnName("turn_wait_p95_ms");
        builder.Ignore(call => call.Quality);
        builder.HasIndex(MonitorOwner).HasDatabaseName("ix_calls_monitor_owner").HasFilter("monitor_owner IS NOT NULL");
        builder.HasIndex(call => call.WhatsAppCallId).HasFilter("whatsapp_call_id IS NOT NULL");
        // One decision per SIP call, whichever of OpenAI's runtimes announced it (its two ids differ; the Call-ID does not).
        builder.HasIndex(call => call.SipCallId).IsUnique().HasDatabaseName(SipCallIdIndex).HasFilter("sip_call_id IS NOT NULL");
        builder.HasIndex(call => call.CallerPseudonym).HasFilter("caller_pseudonym IS NOT NULL");
        builder.HasIndex(call => call.SummaryDueAt).HasDatabaseName("ix_calls_summary_due").HasFilter("summary_status = 'pending'");
        builder.HasIndex(call => call.AnalysisDueAt).HasDatabaseName("ix_calls_analysis_due").HasFilter("analysis_status = 'pending'");
        builder.HasIndex(call => new { call.ProfileId, call.EndedAt }).HasDatabaseName("ix_calls_profile_summaries").HasFilter("summary IS NOT NULL");
    }
}
