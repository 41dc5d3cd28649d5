using EasyMo.Domain.Callbacks;
using EasyMo.Domain.Common;
using EasyMo.Domain.Profiles;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasyMo.Infrastructure.Persistence.Configurations;

internal sealed class CallbackConfiguration : IEntityTypeConfiguration<Callback>
{
    /// <summary>One open call back per number: the index an offer's <c>ON CONFLICT</c> names.</summary>
    public const string OpenPerPhoneIndex = "ux_callbacks_open_phone";

    /// <summary>The states in which a number's call back is open (not yet dialed, or being dialed).</summary>
    public const string OpenStates = "status IN ('queued','dialing')";

    public void Configure(EntityTypeBuilder<Callback> builder)
    {
        builder.ToTable("callbacks", table =>
        {
            table.HasCheckConstraint("ck_callbacks_status", $"status IN ({string.Join(",", StateNames.All<CallbackStatus>().Select(name => $"'{name}'"))})");
            table.HasCheckConstraint("ck_callbacks_reason", $"reason IN ({string.Join(",", StateNames.All<CallbackReason>().Select(name => $"'{name}'"))})");
        });
        builder.HasKey(callback => callback.Id);
        builder.Property(callback => callback.Id).ValueGeneratedNever();
        builder.Property(callback => callback.Phone).HasConversion(ValueConverters.RequiredPhone).HasMaxLength(16).IsRequired();
        builder.Property(callback => callback.Language).HasConversion(ValueConverters.Language).HasMaxLength(8);
        builder.Property(callback => callback.TimeZone).HasMaxLength(64);
        builder.Property(callback => callback.Reason).HasConversion(ValueConverters.SnakeCase<CallbackReason>()).HasMaxLength(16);
        // The status is the row's concurrency token: an operator's cancel and the dialer's claim cannot both win.
        builder.Property(callback => callback.Status).HasConversion(ValueConverters.SnakeCase<CallbackStatus>()).HasMaxLength(16).IsConcurrencyToken();
        builder.Property(callback => callback.OriginCallId).HasConversion(ValueConverters.OpenAiCallId).HasMaxLength(Domain.Calls.OpenAiCallId.MaxLength);
        builder.Property(callback => callback.SessionId).HasConversion(ValueConverters.OpenAiCallId).HasMaxLength(Domain.Calls.OpenAiCallId.MaxLength);
        builder.Property(callback => callback.Error).HasMaxLength(Callback.MaxErrorLength);
        builder.Property(callback => callback.RequestedBy).HasMaxLength(Callback.MaxRequestedByLength);
        builder.Ignore(callback => callback.IsOpen);

        builder.HasOne<Profile>().WithMany().HasForeignKey(callback => callback.ProfileId).OnDelete(DeleteBehavior.SetNull);

        builder.HasIndex(callback => callback.Phone).IsUnique().HasDatabaseName(OpenPerPhoneIndex).HasFilter(OpenStates);
        // The day's limit counts a number's calls back by the caller's day.
        builder.HasIndex(callback => new { callback.Phone, callback.LocalDay });
        // The dialer's queue, in due order; the ceiling counts the ones being dialed.
        builder.HasIndex(callback => callback.DueAt).HasDatabaseName("ix_callbacks_queue").HasFilter("status = 'queued'");
        builder.HasIndex(callback => callback.DialedAt).HasDatabaseName("ix_callbacks_dialing").HasFilter("status = 'dialing'");
        builder.HasIndex(callback => callback.SessionId).IsUnique().HasFilter("session_id IS NOT NULL");
        builder.HasIndex(callback => callback.RequestedAt).IsDescending();
    }
}
