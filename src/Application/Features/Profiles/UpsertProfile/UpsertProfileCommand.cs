using Mediator;

namespace EasyMo.Application.Features.Profiles.UpsertProfile;

/// <summary>
/// <c>PUT /api/profiles/{phone}</c>: only the members the body had change (<c>Has…</c>); a null name or language clears it.
/// Creates the profile when the number has none.
/// </summary>
public sealed record UpsertProfileCommand(
    string Phone,
    bool HasName,
    string? Name,
    bool HasLanguage,
    string? Language,
    bool HasBlocked,
    bool Blocked) : ICommand<UpsertProfileResult>;

/// <summary>The profile after the change, and whether it was created by it.</summary>
public sealed record UpsertProfileResult(ProfileDetails Profile, bool Created);
