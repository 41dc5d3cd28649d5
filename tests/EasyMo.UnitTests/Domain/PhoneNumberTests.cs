using EasyMo.Domain.Common;

namespace EasyMo.UnitTests.Domain;

public sealed class PhoneNumberTests
{
    [Theory]
    [InlineData("+250788123456", "+250788123456")]
    [InlineData("250788123456", "+250788123456")]
    [InlineData("00250788123456", "+250788123456")]
    [InlineData("+250 788 123 456", "+250788123456")]
    [InlineData("+250-788-123-456", "+250788123456")]
    [InlineData("+1 (425) 555-1211", "+14255551211")]
    [InlineData("+356.9912.3456", "+35699123456")]
    public void Parses_the_forms_telephony_writes(string raw, string expected)
    {
        PhoneNumber.TryParse(raw, out var phone).ShouldBeTrue();
        phone.Value.ShouldBe(expected);
        phone.Digits.ShouldBe(expected[1..]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("anonymous")]
    [InlineData("+")]
    [InlineData("+1234567")]
    [InlineData("+1234567890123456")]
    [InlineData("+0788123456")]
    [InlineData("0788123456")]
    [InlineData("+250788123456;ext=1")]
    [InlineData("++250788123456")]
    [InlineData("+250+788123456")]
    public void Refuses_what_is_not_an_E164_number(string? raw) => PhoneNumber.TryParse(raw, out _).ShouldBeFalse();

    [Fact]
    public void A_national_number_takes_the_default_country_code_when_one_is_given()
    {
        PhoneNumber.TryParse("0788123456", "250", out var phone).ShouldBeTrue();
        phone.Value.ShouldBe("+250788123456");
    }

    [Fact]
    public void Masking_keeps_the_country_prefix_and_three_last_digits()
    {
        var phone = PhoneNumber.Parse("+250788123456");

        phone.Masked.ShouldBe("+250******456");
        phone.ToString().ShouldBe(phone.Masked);
        PhoneNumber.Mask("12345").ShouldBe("*****");
    }

    [Fact]
    public void Equal_numbers_are_equal_values() =>
        PhoneNumber.Parse("250788123456").ShouldBe(PhoneNumber.Parse("+250 788 123 456"));

    [Fact]
    public void Parse_refuses_with_a_domain_error_that_does_not_repeat_the_number()
    {
        var error = Should.Throw<DomainException>(() => PhoneNumber.Parse("07881234567890123"));
        error.Message.ShouldNotContain("07881234567890123");
    }

    [Theory]
    [InlineData("250", true)]
    [InlineData("+250", true)]
    [InlineData("25", true)]
    [InlineData("33", false)]
    public void Country_code_prefixes_match_on_digits(string code, bool expected) =>
        PhoneNumber.Parse("+250788123456").StartsWithCountryCode(code).ShouldBe(expected);
}
