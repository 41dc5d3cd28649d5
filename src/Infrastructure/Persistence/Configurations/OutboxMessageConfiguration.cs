using EasyMo.Domain.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasyMo.Infrastructure.Persistence.Configurations;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    /// <summary>The unique index of the messages' purposes (its name as the migrations created it).</summary>
    public const string DeduplicationKeyIndex = "ix_outbox_messages_deduplication_key";

    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox_messages");
        builder.HasKey(message => message.Id);
        builder.Property(message => message.Id).ValueGeneratedNever();
        builder.Property(message => message.DeduplicationKey).HasMaxLength(300);
        builder.HasIndex(message => message.DeduplicationKey).IsUnique().HasDatabaseName(DeduplicationKeyIndex);
        builder.Property(message => message.Recipient).HasMaxLength(16);
        builder.Property(message => message.Body).HasMaxLength(4096);
        builder.Property(message => message.Language).HasConversion(ValueConverters.Language).HasMaxLength(8);
        builder.Property(message => message.Status).HasConversion(ValueConverters.SnakeCase<OutboxStatus>()).HasMaxLength(16);
        builder.HasIndex(message => message.NextAttemptAt).HasDatabaseName("ix_outbox_messages_due").HasFilter("status = 'pending'");

        // The lease: a dispatcher's update of a claimed message only lands while the lease it claimed is still the row's.
        builder.Property(message => message.NextAttemptAt).IsConcurrencyToken();
        builder.Property(message => message.Kind).HasConversion(ValueConverters.SnakeCase<OutboxMessageKind>()).HasMaxLength(16);
        builder.Property(message => message.TemplateName).HasMaxLength(512);
        builder.Property(message => message.TemplateLanguage).HasMaxLength(16);
        builder.Property(message => message.ProviderMessageId).HasMaxLength(256);
        builder.HasIndex(message => message.ProviderMessageId)
            .IsUnique()
            .HasDatabaseName("ix_outbox_messages_provider_message_id")
            .HasFilter("provider_message_id IS NOT NULL");
        builder.Property(message => message.DeliveryStatus).HasConversion(ValueConverters.SnakeCase<OutboxDeliveryStatus>()).HasMaxLength(16);
        builder.Property(message => message.LastError).HasMaxLength(200);
    }
}
