using EasyMo.Domain.Common;

namespace EasyMo.UnitTests.Domain;

public sealed class LanguageTests
{
    [Theory]
    [InlineData("en", "en")]
    [InlineData("EN", "en")]
    [InlineData("en-US", "en")]
    [InlineData("english", "en")]
    [InlineData("fr", "fr")]
    [InlineData("fr-RW", "fr")]
    [InlineData("Français", "fr")]
    [InlineData("rw", "rw")]
    [InlineData("kin", "rw")]
    [InlineData("Kinyarwanda", "rw")]
    [InlineData(" rw_RW ", "rw")]
    public void Reads_codes_tags_and_names(string value, string code)
    {
        Language.TryParse(value, out var language).ShouldBeTrue();
        language.Code.ShouldBe(code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sw")]
    [InlineData("de")]
    [InlineData("-en")]
    public void Refuses_languages_the_agent_does_not_speak(string? value) => Language.TryParse(value, out _).ShouldBeFalse();

    [Fact]
    public void The_three_languages_are_single_values() =>
        Language.FromCode("fr").ShouldBeSameAs(Language.French);

    [Fact]
    public void FromCode_refuses_unknown_codes() => Should.Throw<DomainException>(() => Language.FromCode("sw"));
}
