using EasyMo.Application.Features.Calls.SummarizeCall;

namespace EasyMo.UnitTests.Calls;

public sealed class SummaryTextTests
{
    [Theory]
    [InlineData("  The caller wanted a moto.\n\nThey are in Kimironko. ", "The caller wanted a moto. They are in Kimironko.")]
    [InlineData("Call them back on +250 788 123 456 tomorrow.", "Call them back on [number] tomorrow.")]
    [InlineData("Call them back on +250788123456.", "Call them back on [number].")]
    [InlineData("Number 0788123456 was given.", "Number [number] was given.")]
    [InlineData("Budget 150000 RWF for 3 bedrooms, 2 500 000 to buy.", "Budget 150000 RWF for 3 bedrooms, 2 500 000 to buy.")]
    [InlineData(" \n ", "")]
    public void A_summary_is_stored_as_one_paragraph_without_phone_numbers(string text, string expected) =>
        SummaryText.Clean(text).ShouldBe(expected);

    [Fact]
    public void A_very_long_summary_is_cut_below_the_column_size()
    {
        var clean = SummaryText.Clean(string.Join(' ', Enumerable.Repeat("sentence", 500)));

        clean.Length.ShouldBeLessThanOrEqualTo(SummaryText.MaxLength);
        clean.ShouldEndWith("…");
    }

    [Theory]
    [InlineData(0, 60)]
    [InlineData(1, 120)]
    [InlineData(3, 480)]
    [InlineData(10, 3600)]
    public void Retries_wait_longer_after_each_failure_at_most_an_hour(int failuresSoFar, int seconds) =>
        SummarizeCallHandler.RetryDelay(TimeSpan.FromMinutes(1), failuresSoFar).ShouldBe(TimeSpan.FromSeconds(seconds));
}
