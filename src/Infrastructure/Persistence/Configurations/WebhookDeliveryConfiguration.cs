using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasyMo.Infrastructure.Persistence.Configurations;

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("webhook_deliveries");
        builder.HasKey(delivery => delivery.WebhookId);
        builder.Property(delivery => delivery.WebhookId).HasMaxLength(256);
        builder.Property(delivery => delivery.Source).HasMaxLength(32);
        builder.Property(delivery => delivery.EventType).HasMaxLength(64);
        builder.Property(delivery => delivery.CallId).HasMaxLength(256);
    }
}
