using EasyMo.Domain.Privacy;
using EasyMo.Domain.Profiles;
using EasyMo.Domain.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasyMo.Infrastructure.Persistence.Configurations;

internal sealed class ProfileConfiguration : IEntityTypeConfiguration<Profile>
{
    public void Configure(EntityTypeBuilder<Profile> builder)
    {
        builder.ToTable("profiles");
        builder.HasKey(profile => profile.Id);
        builder.Property(profile => profile.Id).ValueGeneratedNever();
        builder.Property(profile => profile.Phone).HasConversion(ValueConverters.Phone).HasMaxLength(16);
        builder.Property(profile => profile.WhatsAppId).HasColumnName("wa_id").HasConversion(ValueConverters.WaId).HasMaxLength(WaId.MaxLength);
        builder.Property(profile => profile.Name).HasMaxLength(120);
        builder.Property(profile => profile.Language).HasConversion(ValueConverters.OptionalLanguage).HasMaxLength(8);
        builder.Property(profile => profile.Consent).HasConversion(ValueConverters.SnakeCase<Consent>()).HasMaxLength(16).HasDefaultValue(Consent.NotAsked).HasSentinel((Consent)(-1));
        builder.HasIndex(profile => profile.Phone).IsUnique().HasFilter("phone IS NOT NULL");
        builder.HasIndex(profile => profile.WhatsAppId).IsUnique().HasFilter("wa_id IS NOT NULL");
    }
}
