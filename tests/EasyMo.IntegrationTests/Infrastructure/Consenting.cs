using EasyMo.Domain.Common;
using EasyMo.Domain.Profiles;

namespace EasyMo.IntegrationTests.Infrastructure;

/// <summary>
/// WhatsApp users who already agreed that what they send may be kept (docs/privacy.md): their voice notes go straight
/// to the worker, as the tests of the worker and of voice-note intake expect.
/// </summary>
internal static class Consenting
{
    public static async Task<string> WaIdAsync(EasyMoApp app)
    {
        var waId = Events.NewRwandanNumber()[1..];
        await using var db = app.Db();
        var profile = Profile.Create(PhoneNumber.Parse("+" + waId), waId.AsWaId(), null, null, DateTimeOffset.UtcNow.AddDays(-1));
        profile.RememberConsent(granted: true, DateTimeOffset.UtcNow.AddDays(-1));
        db.Profiles.Add(profile);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return waId;
    }
}
