using FluentValidation;

namespace EasyMo.Application.Features.Profiles.GetProfile;

public sealed class GetProfileValidator : AbstractValidator<GetProfileQuery>
{
    public GetProfileValidator() => RuleFor(query => query.Phone).IsPhoneNumber();
}
