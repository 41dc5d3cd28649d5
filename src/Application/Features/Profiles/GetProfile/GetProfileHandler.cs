using EasyMo.Application.Common.Abstractions;
using EasyMo.Domain.Common;
using Mediator;

namespace EasyMo.Application.Features.Profiles.GetProfile;

public sealed class GetProfileHandler(ICallStore store, IAdminQueries queries) : IQueryHandler<GetProfileQuery, ProfileDetails?>
{
    public async ValueTask<ProfileDetails?> Handle(GetProfileQuery query, CancellationToken cancellationToken)
    {
        var phone = PhoneNumber.Parse(query.Phone);
        if (await store.FindProfileAsync(phone, cancellationToken) is not { } profile)
        {
            return null;
        }

        var (calls, lastCallAt) = await queries.CountProfileCallsAsync(profile.Id, cancellationToken);
        return ProfileDetails.From(profile, phone.Value, calls, lastCallAt);
    }
}
