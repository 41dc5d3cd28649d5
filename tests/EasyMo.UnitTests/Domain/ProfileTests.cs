using EasyMo.Domain.WhatsApp;
using EasyMo.Domain.Common;
using EasyMo.Domain.Profiles;

namespace EasyMo.UnitTests.Domain;

public sealed class ProfileTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_profile_needs_a_number_or_a_WhatsApp_id() =>
        Should.Throw<DomainException>(() => Profile.Create(null, new WaId(" "), null, null, T0));

    [Fact]
    public void Changes_move_UpdatedAt_and_repeats_do_not()
    {
        var profile = Profile.Create(PhoneNumber.Parse("+250788123456"), null, "  Aline  ", null, T0);

        profile.Rename("Aline", T0.AddMinutes(1));
        profile.UpdatedAt.ShouldBe(T0);
        profile.Name.ShouldBe("Aline");

        profile.PreferLanguage(Language.French, T0.AddMinutes(2));
        profile.SetBlocked(true, T0.AddMinutes(3));
        profile.SetBlocked(true, T0.AddMinutes(4));

        profile.Language.ShouldBe(Language.French);
        profile.Blocked.ShouldBeTrue();
        profile.UpdatedAt.ShouldBe(T0.AddMinutes(3));
    }

    [Fact]
    public void Names_are_bounded() =>
        Should.Throw<DomainException>(() => Profile.Create(null, new WaId("250788123456"), new string('a', 121), null, T0));
}
