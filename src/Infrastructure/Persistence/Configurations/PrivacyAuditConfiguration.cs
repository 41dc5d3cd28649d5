using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasyMo.Infrastructure.Persistence.Configurations;

internal sealed class PrivacyAuditConfiguration : IEntityTypeConfiguration<PrivacyAudit>
{
    public void Configure(EntityTypeBuilder<PrivacyAudit> builder)
    {
        builder.ToTable("privacy_audit", table => table.HasCheckConstraint("ck_privacy_audit_action", "action IN ('export','erase','purge','pseudonymise','profile_update','callback_request','callback_cancel')"));
        builder.HasKey(audit => audit.Id);
        builder.Property(audit => audit.Id).ValueGeneratedNever();
        builder.Property(audit => audit.Action).HasMaxLength(16);
        builder.Property(audit => audit.Actor).HasMaxLength(64);
        builder.Property(audit => audit.Subject).HasMaxLength(68);
        builder.Property(audit => audit.Counts).HasColumnType("jsonb");
        builder.HasIndex(audit => audit.At);
    }
}
