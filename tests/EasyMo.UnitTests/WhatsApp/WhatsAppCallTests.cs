using EasyMo.Application.Features.WhatsApp;
using EasyMo.Domain.Common;
using EasyMo.Domain.WhatsApp;

namespace EasyMo.UnitTests.WhatsApp;

/// <summary>A WhatsApp call's record under events in any order, and WhatsApp names made fit for a profile.</summary>
public sealed class WhatsAppCallTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1671644824);
    private static readonly WhatsAppCallParties User = new(WhatsAppCallDirection.UserInitiated, new WaId("16315553601"), PhoneNumber.Parse("+16315553601"), "436666719526789");
    private static readonly WhatsAppCallTermination Completed = new(T0.AddSeconds(120), "COMPLETED", T0, T0.AddSeconds(120), 120, []);

    [Fact]
    public void Connect_then_terminate_ends_terminated_with_both_times()
    {
        var call = WhatsAppCall.FromConnect("wacid.A", User, T0, T0);
        call.RecordTermination(User, Completed, T0.AddSeconds(121));

        call.Status.ShouldBe(WhatsAppCallStatus.Terminated);
        call.ConnectedAt.ShouldBe(T0);
        call.TerminatedAt.ShouldBe(T0.AddSeconds(120));
        call.DurationSeconds.ShouldBe(120);
        call.TerminationStatus.ShouldBe("COMPLETED");
        call.Direction.ShouldBe(WhatsAppCallDirection.UserInitiated);
        call.UserPhone.ShouldBe(PhoneNumber.Parse("+16315553601"));
    }

    [Fact]
    public void A_connect_after_the_terminate_fills_in_but_does_not_reopen_the_call()
    {
        var call = WhatsAppCall.FromTermination("wacid.A", new WhatsAppCallParties(null, null, null, null),
            new WhatsAppCallTermination(T0, "failed", null, null, null, [138021, 138021]), T0);
        call.RecordConnect(User, T0.AddSeconds(-5), T0.AddSeconds(1));

        call.Status.ShouldBe(WhatsAppCallStatus.Terminated);
        call.ConnectedAt.ShouldBe(T0.AddSeconds(-5));
        call.TerminationStatus.ShouldBe("FAILED");
        call.ErrorCodes.ShouldBe([138021]);
        call.UserWaId?.Value.ShouldBe("16315553601");
        call.BusinessPhoneNumberId.ShouldBe("436666719526789");
    }

    [Fact]
    public void Statuses_only_move_forward_and_imply_a_business_initiated_call()
    {
        var parties = new WhatsAppCallParties(null, new WaId("12185552828"), PhoneNumber.Parse("+12185552828"), null);
        var call = WhatsAppCall.FromStatus("wacid.B", WhatsAppCallStatus.Accepted, parties, T0);
        call.RecordStatus(WhatsAppCallStatus.Ringing, parties, T0.AddSeconds(1));
        call.RecordConnect(parties, T0, T0.AddSeconds(2));

        call.Status.ShouldBe(WhatsAppCallStatus.Accepted);
        call.Direction.ShouldBe(WhatsAppCallDirection.BusinessInitiated);
    }

    [Fact]
    public void The_first_terminate_stands()
    {
        var call = WhatsAppCall.FromTermination("wacid.A", User, Completed, T0);
        call.RecordTermination(User, new WhatsAppCallTermination(T0.AddHours(1), "FAILED", null, null, null, [1]), T0.AddHours(1));

        call.TerminationStatus.ShouldBe("COMPLETED");
        call.DurationSeconds.ShouldBe(120);
        call.ErrorCodes.ShouldBeEmpty();
    }

    [Fact]
    public void Only_the_first_profile_is_linked()
    {
        var call = WhatsAppCall.FromConnect("wacid.A", User, T0, T0);
        var first = Guid.NewGuid();
        call.LinkProfile(first, T0);
        call.LinkProfile(Guid.NewGuid(), T0);

        call.ProfileId.ShouldBe(first);
    }

    [Fact]
    public void A_negative_duration_or_an_empty_status_is_refused()
    {
        Should.Throw<DomainException>(() => WhatsAppCall.FromTermination("wacid.A", User, Completed with { DurationSeconds = -1 }, T0));
        Should.Throw<DomainException>(() => WhatsAppCall.FromTermination("wacid.A", User, Completed with { Status = " " }, T0));
        Should.Throw<DomainException>(() => WhatsAppCall.FromConnect(" ", User, T0, T0));
    }

    [Theory]
    [InlineData("Aline Uwase", "Aline Uwase")]
    [InlineData("  Aline\n\tUwase  ", "Aline Uwase")]
    [InlineData("Aline\u200eUwase\u0000", "AlineUwase")]
    [InlineData("Jean-Paul 🚕", "Jean-Paul 🚕")]
    [InlineData("\u202e\u0007", null)]
    [InlineData("   ", null)]
    [InlineData(null, null)]
    public void WhatsApp_names_are_cleaned_for_profiles(string? name, string? expected) =>
        WhatsAppIds.CleanName(name).ShouldBe(expected);

    [Fact]
    public void A_long_name_is_cut_at_the_profile_limit_without_splitting_a_character()
    {
        var name = new string('a', WhatsAppIds.MaxNameLength - 1) + "🚕🚕";

        var clean = WhatsAppIds.CleanName(name).ShouldNotBeNull();

        clean.Length.ShouldBe(WhatsAppIds.MaxNameLength - 1);
    }

    [Theory]
    [InlineData("16315553601", "+163*****601")]
    [InlineData("250788123456", "+250******456")]
    public void A_wa_id_is_masked_like_a_phone_number(string waId, string masked) =>
        new WaId(waId).Masked.ShouldBe(masked);

    [Theory]
    [InlineData("")]
    [InlineData("+250788123456")]
    [InlineData("2507881234５6")] // a full-width digit
    [InlineData("123456789012345678901234567890123")] // 33 digits
    public void Only_digits_make_a_wa_id(string value)
    {
        WaId.TryParse(value, out _).ShouldBeFalse();
        Should.Throw<EasyMo.Domain.Common.DomainException>(() => new WaId(value));
    }

    [Fact]
    public void A_wa_id_stands_for_the_phone_number_of_its_digits()
    {
        new WaId("250788123456").Phone.ShouldBe(EasyMo.Domain.Common.PhoneNumber.Parse("+250788123456"));
        WaId.Of(EasyMo.Domain.Common.PhoneNumber.Parse("+250788123456")).Value.ShouldBe("250788123456");
        new WaId("1").Phone.ShouldBeNull(); // a wa_id too short to be a number
    }
}
