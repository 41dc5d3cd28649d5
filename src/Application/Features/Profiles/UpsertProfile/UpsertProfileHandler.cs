using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Common;
using Mediator;

namespace EasyMo.Application.Features.Profiles.UpsertProfile;

/// <summary>
/// Changes a profile, creating it first when the number has none (through the store's insert-if-absent, so a call ringing
/// at the same moment ends up with the same profile). A blocked profile is read by the very next incoming call.
/// </summary>
public sealed class UpsertProfileHandler(ICallStore store, IAdminQueries queries, TimeProvider time)
    : ICommandHandler<UpsertProfileCommand, UpsertProfileResult>
{
    public async ValueTask<UpsertProfileResult> Handle(UpsertProfileCommand command, CancellationToken cancellationToken)
    {
        var phone = PhoneNumber.Parse(command.Phone);
        var profile = await store.FindProfileAsync(phone, cancellationToken);
        var created = profile is null;
        if (profile is null)
        {
            await store.GetOrCreateProfileAsync(phone, whatsAppId: null, cancellationToken);
            profile = await store.FindProfileAsync(phone, cancellationToken)
                ?? throw new InvalidOperationException("The profile just created cannot be found.");
        }

        var now = time.GetUtcNow();
        if (command.HasName)
        {
            profile.Rename(command.Name, now);
        }

        if (command.HasLanguage)
        {
            profile.PreferLanguage(command.Language is null ? null : Language.FromCode(command.Language.Trim()), now);
        }

        if (command.HasBlocked)
        {
            profile.SetBlocked(command.Blocked, now);
        }

        await store.SaveChangesAsync(cancellationToken);
        var (calls, lastCallAt) = await queries.CountProfileCallsAsync(profile.Id, cancellationToken);
        return new UpsertProfileResult(ProfileDetails.From(profile, phone.Value, calls, lastCallAt), created);
    }
}
