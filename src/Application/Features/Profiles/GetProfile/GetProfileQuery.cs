using Mediator;

namespace EasyMo.Application.Features.Profiles.GetProfile;

/// <summary>A profile by phone number (with or without <c>+</c>); null when unknown.</summary>
public sealed record GetProfileQuery(string Phone) : IQuery<ProfileDetails?>;
