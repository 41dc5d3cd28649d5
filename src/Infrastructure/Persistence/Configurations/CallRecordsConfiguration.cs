using EasyMo.Domain.Calls;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasyMo.Infrastructure.Persistence.Configurations;

internal sealed class TranscriptTurnConfiguration : IEntityTypeConfiguration<TranscriptTurn>
{
    public void Configure(EntityTypeBuilder<TranscriptTurn> builder)
    {
        builder.ToTable("call_transcripts");
        builder.HasKey(turn => turn.Id);
        builder.Property(turn => turn.Id).ValueGeneratedNever();
        builder.Property(turn => turn.Speaker).HasConversion(ValueConverters.SnakeCase<Speaker>()).HasMaxLength(16);
        builder.Property(turn => turn.Text).HasMaxLength(TranscriptTurn.MaxTextLength);
        builder.Property(turn => turn.ItemId).HasMaxLength(128);
        builder.HasOne<Call>().WithMany().HasForeignKey(turn => turn.CallId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(turn => new { turn.CallId, turn.Sequence }).IsUnique();
        builder.HasIndex(turn => new { turn.CallId, turn.ItemId, turn.Speaker }).IsUnique();
    }
}

internal sealed class CallActivityConfiguration : IEntityTypeConfiguration<CallActivity>
{
    public void Configure(EntityTypeBuilder<CallActivity> builder)
    {
        builder.ToTable("call_activities");
        builder.HasKey(activity => activity.Id);
        builder.Property(activity => activity.Id).ValueGeneratedNever();
        builder.Property(activity => activity.Kind).HasConversion(ValueConverters.SnakeCase<CallActivityKind>()).HasMaxLength(16);
        builder.Property(activity => activity.Name).HasMaxLength(CallActivity.MaxNameLength);
        builder.Property(activity => activity.Detail).HasMaxLength(CallActivity.MaxDetailLength);
        builder.HasOne<Call>().WithMany().HasForeignKey(activity => activity.CallId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(activity => activity.CallId);
    }
}

internal sealed class CallRequestConfiguration : IEntityTypeConfiguration<CallRequest>
{
    public void Configure(EntityTypeBuilder<CallRequest> builder)
    {
        builder.ToTable("call_requests");
        builder.HasKey(request => request.Id);
        builder.Property(request => request.Id).ValueGeneratedNever();
        builder.Property(request => request.Service).HasMaxLength(CallRequest.MaxServiceLength);
        builder.Property(request => request.Location).HasMaxLength(CallRequest.MaxLocationLength);
        builder.Property(request => request.Details).HasMaxLength(CallRequest.MaxDetailsLength);
        builder.HasOne<Call>().WithMany().HasForeignKey(request => request.CallId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<EasyMo.Domain.Profiles.Profile>().WithMany().HasForeignKey(request => request.ProfileId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(request => request.CallId);
        builder.HasIndex(request => request.ProfileId);
    }
}
