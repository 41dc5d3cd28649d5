using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EasyMo.Infrastructure.Persistence.Configurations;

internal sealed class WorkLeaseConfiguration : IEntityTypeConfiguration<WorkLease>
{
    public void Configure(EntityTypeBuilder<WorkLease> builder)
    {
        builder.ToTable("work_leases");
        builder.HasKey(lease => lease.Name);
        builder.Property(lease => lease.Name).HasMaxLength(WorkLease.MaxNameLength);
        builder.Property(lease => lease.Holder).HasMaxLength(WorkLease.MaxNameLength);
    }
}
