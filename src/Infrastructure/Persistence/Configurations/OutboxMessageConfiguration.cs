using EasyMo.Domain.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasyMo.Infrastructure.Persistence.Configurations;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox_messages");
        builder.HasKey(message => message.Id);
        builder.Property(message => message.Id).ValueGeneratedNever();
        builder.Property(message => message.DeduplicationKey).HasMaxLength(300);
        builder.HasIndex(message => message.DeduplicationKey).IsUnique();
        builder.Property(message => message.Recipient).HasMaxLength(16);
        builder.Property(message => message.Body).HasMaxLength(4096);
        builder.Property(message => message.Language).HasConversion(ValueConverters.Language).HasMaxLength(8);
        builder.Property(message => message.Status).HasConversion(ValueConverters.SnakeCase<OutboxStatus>()).HasMaxLength(16);
        builder.HasIndex(message => message.NextAttemptAt).HasDatabaseName("ix_outbox_messages_due").HasFilter("status = 'pending'");
    }
}
