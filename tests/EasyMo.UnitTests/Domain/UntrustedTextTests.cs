using EasyMo.Domain.Common;

namespace EasyMo.UnitTests.Domain;

public sealed class UntrustedTextTests
{
    [Theory]
    [InlineData("  Aline  Uwase ", 50, "Aline Uwase")]
    [InlineData("a\0b", 50, "ab")]
    [InlineData("line\r\nbreak\u2028sep", 50, "line break sep")]
    [InlineData("\u202eevil", 50, "evil")] // a format character (right-to-left override)
    [InlineData("abcdef", 3, "abc")]
    [InlineData("ab\ud83d\ude00", 3, "ab")] // an emoji (a surrogate pair) is not split at the cut
    [InlineData("ab\ud83d\ude00", 4, "ab\ud83d\ude00")]
    public void One_line_cleans_and_bounds_text(string text, int max, string expected) =>
        UntrustedText.OneLine(text, max).ShouldBe(expected);

    [Fact]
    public void An_unpaired_surrogate_is_dropped() // built here: test-data serialisation would replace it
    {
        UntrustedText.OneLine("x" + (char)0xD800 + "y" + (char)0xDC00, 50).ShouldBe("xy");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \t\r\n")]
    [InlineData("\0\u0001\u200b")]
    public void One_line_of_nothing_printable_is_null(string? text) => UntrustedText.OneLine(text, 10).ShouldBeNull();

    [Theory]
    [InlineData("wacid.HBgL123", 20, true)]
    [InlineData("has space", 20, false)]
    [InlineData("nul\0", 20, false)]
    [InlineData("é", 20, false)]
    [InlineData("toolong", 6, false)]
    [InlineData("", 6, false)]
    public void A_token_is_printable_ASCII_without_spaces_within_its_bound(string text, int max, bool token)
    {
        UntrustedText.IsToken(text, max).ShouldBe(token);
        UntrustedText.Token(text, max).ShouldBe(token ? text : null);
    }

    [Theory]
    [InlineData("Aline 😀 Uwase", "Aline Uwase")]
    [InlineData("Jean\u202e-Pierre\u0000", "Jean-Pierre")]
    [InlineData("{{caller}}\"", "caller")]
    public void A_name_for_a_prompt_keeps_letters_and_a_few_separators(string text, string expected) =>
        UntrustedText.Name(text, 60).ShouldBe(expected);

    [Theory]
    [InlineData("Took a 🏍 to Kimironko", "Took a to Kimironko")] // OneLine would keep the emoji
    [InlineData("He said \"stop\" {now}", "He said 'stop' (now)")]
    [InlineData("a\u0000b", "a b")]
    public void Quotable_text_cannot_close_a_quotation_or_open_a_placeholder(string text, string expected) =>
        UntrustedText.Quotable(text, 400).ShouldBe(expected);

    [Fact]
    public void Quotable_text_is_cut_at_a_word_with_an_ellipsis() =>
        UntrustedText.Quotable("one two three four five six", 12).ShouldBe("one two…");
}
