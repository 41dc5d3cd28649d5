using EasyMo.Infrastructure.WhatsApp;

namespace EasyMo.UnitTests.WhatsApp;

public sealed class VoiceNoteOptionsTests
{
    [Theory]
    [InlineData("audio/ogg; codecs=opus", true)]
    [InlineData("AUDIO/MPEG", true)]
    [InlineData("audio/amr", true)]
    [InlineData("video/mp4", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void The_default_types_are_the_audio_types_whatsapp_sends(string? mimeType, bool accepted) =>
        new VoiceNoteOptions().Accepts(mimeType).ShouldBe(accepted);

    [Fact]
    public void Configured_types_replace_the_defaults()
    {
        var options = new VoiceNoteOptions { AllowedMimeTypes = ["audio/ogg"] };

        options.Accepts("audio/ogg").ShouldBeTrue();
        options.Accepts("audio/mpeg").ShouldBeFalse();
    }

    [Fact]
    public void The_defaults_are_valid_and_nonsense_is_reported()
    {
        new VoiceNoteOptions().Problems().ShouldBeEmpty();
        new VoiceNoteOptions().MaxBytes.ShouldBe(16L * 1024 * 1024);
        new VoiceNoteOptions { MaxBytes = 0, MaxAttempts = 0, SweepInterval = TimeSpan.Zero }.Problems().Count.ShouldBe(3);
    }
}
