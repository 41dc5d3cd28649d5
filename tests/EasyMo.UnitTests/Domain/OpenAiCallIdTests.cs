using EasyMo.Domain.Calls;
using EasyMo.Domain.Common;

namespace EasyMo.UnitTests.Domain;

/// <summary>OpenAI's call id is a type of its own: only a well-formed one exists, and it is never our row id.</summary>
public sealed class OpenAiCallIdTests
{
    [Theory]
    [InlineData("rtc_u1_9f0c2b7e4d")]
    [InlineData("rtc_ABC-123.x:y")]
    public void A_well_formed_id_is_kept_as_it_is(string value)
    {
        OpenAiCallId.TryParse(value, out var id).ShouldBeTrue();
        id.Value.ShouldBe(value);
        id.ToString().ShouldBe(value);
        id.ShouldBe(new OpenAiCallId(value));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("rtc_\0nul")]
    [InlineData("rtc_with space")]
    [InlineData("rtc_/../accept")]
    [InlineData("rtc_é")]
    public void Anything_else_names_no_call(string? value)
    {
        OpenAiCallId.TryParse(value, out var id).ShouldBeFalse();
        id.Value.ShouldBeNull();
        Should.Throw<DomainException>(() => new OpenAiCallId(value!));
    }

    [Fact]
    public void An_id_longer_than_256_characters_names_no_call()
    {
        OpenAiCallId.TryParse(new string('a', OpenAiCallId.MaxLength), out _).ShouldBeTrue();
        OpenAiCallId.TryParse(new string('a', OpenAiCallId.MaxLength + 1), out _).ShouldBeFalse();
    }

    [Fact]
    public void A_call_cannot_be_received_without_one()
    {
        Should.Throw<DomainException>(() => Call.Receive(default, CallChannel.Phone, null, null, null, DateTimeOffset.UtcNow));
    }
}
