using EasyMo.Domain.Calls;
using EasyMo.Infrastructure.Persistence;

namespace EasyMo.UnitTests.Persistence;

/// <summary>The channel column holds the contract's names, and still reads rows written in snake case before.</summary>
public sealed class ChannelConverterTests
{
    [Theory]
    [InlineData(CallChannel.WhatsApp, "whatsapp")]
    [InlineData(CallChannel.Phone, "phone")]
    public void A_channel_is_stored_under_the_contracts_name(CallChannel channel, string stored)
    {
        ValueConverters.Channel.ConvertToProvider(channel).ShouldBe(stored);
        ValueConverters.Channel.ConvertFromProvider(stored).ShouldBe(channel);
    }

    [Fact]
    public void A_row_written_before_as_whats_app_still_reads_as_WhatsApp()
    {
        ValueConverters.Channel.ConvertFromProvider("whats_app").ShouldBe(CallChannel.WhatsApp);
    }
}
