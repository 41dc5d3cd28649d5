using EasyMo.Application.Features.Calls;
using EasyMo.Domain.Common;
using EasyMo.Domain.Profiles;
using Microsoft.Extensions.Options;

namespace EasyMo.UnitTests.Calls;

public sealed class LanguageAndTrunkTests
{
    private static readonly LanguageResolver Resolver = new(Options.Create(new CallHandlingOptions()));

    [Theory]
    [InlineData("+250788123456", "rw")]
    [InlineData("+33612345678", "fr")]
    [InlineData("+3225551234", "fr")]
    [InlineData("+243812345678", "fr")]
    [InlineData("+25779123456", "fr")]
    [InlineData("+35699123456", "en")]
    [InlineData("+14255551211", "en")]
    [InlineData("+254712345678", "en")]
    public void Without_a_profile_the_country_code_decides(string caller, string expected) =>
        Resolver.Resolve(null, PhoneNumber.Parse(caller)).Code.ShouldBe(expected);

    [Fact]
    public void The_profiles_language_wins_over_the_country()
    {
        var profile = Profile.Create(PhoneNumber.Parse("+250788123456"), null, null, Language.French, DateTimeOffset.UtcNow);

        Resolver.Resolve(profile, profile.Phone).ShouldBe(Language.French);
    }

    [Fact]
    public void An_unknown_caller_gets_the_default_language() => Resolver.Resolve(null, null).ShouldBe(Language.English);

    [Fact]
    public void Configuration_adds_countries_and_the_longest_prefix_wins()
    {
        var options = new CallHandlingOptions { DefaultLanguage = "fr" };
        options.LanguageByCountryCode["+1"] = "en";
        options.LanguageByCountryCode["1514"] = "fr"; // Montréal
        options.LanguageByCountryCode["49"] = "de"; // not a language of the agent: ignored
        var resolver = new LanguageResolver(Options.Create(options));

        resolver.Resolve(null, PhoneNumber.Parse("+15145551234")).ShouldBe(Language.French);
        resolver.Resolve(null, PhoneNumber.Parse("+14255551211")).ShouldBe(Language.English);
        resolver.Resolve(null, PhoneNumber.Parse("+4915112345678")).ShouldBe(Language.French);
    }

    [Theory]
    [InlineData("+250788000111", "MTN Rwanda")]
    [InlineData("+35621000000", "GO Malta")]
    [InlineData("+14255551211", null)]
    public void Trunks_are_named_from_the_dialed_number(string dialed, string? trunk) =>
        new TrunkDirectory(Options.Create(new CallHandlingOptions())).Find(PhoneNumber.Parse(dialed)).ShouldBe(trunk);
}
