using EasyMo.Domain.Calls;
using EasyMo.Domain.Messaging;
using EasyMo.Domain.Profiles;
using EasyMo.Domain.WhatsApp;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.Infrastructure.Persistence;

public sealed class EasyMoDbContext(DbContextOptions<EasyMoDbContext> options) : DbContext(options)
{
    public DbSet<Call> Calls => Set<Call>();

    public DbSet<Domain.Callbacks.Callback> Callbacks => Set<Domain.Callbacks.Callback>();

    public DbSet<Profile> Profiles => Set<Profile>();

    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<TranscriptTurn> Transcripts => Set<TranscriptTurn>();

    public DbSet<CallActivity> CallActivities => Set<CallActivity>();

    public DbSet<CallRequest> CallRequests => Set<CallRequest>();

    public DbSet<WorkLease> WorkLeases => Set<WorkLease>();

    public DbSet<WhatsAppCall> WhatsAppCalls => Set<WhatsAppCall>();

    public DbSet<VoiceNote> VoiceNotes => Set<VoiceNote>();

    public DbSet<WhatsAppEvent> WhatsAppEvents => Set<WhatsAppEvent>();

    public DbSet<CallRecording> CallRecordings => Set<CallRecording>();

    public DbSet<PrivacyAudit> PrivacyAudits => Set<PrivacyAudit>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(EasyMoDbContext).Assembly);
}
