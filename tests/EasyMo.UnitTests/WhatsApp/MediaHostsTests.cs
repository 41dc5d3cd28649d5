using EasyMo.Infrastructure.Configuration;
using EasyMo.Infrastructure.WhatsApp;
using Microsoft.Extensions.Configuration;

namespace EasyMo.UnitTests.WhatsApp;

/// <summary>Which media URLs the WhatsApp token may be sent to (review L2), and the settings that say so.</summary>
public sealed class MediaHostsTests
{
    [Theory]
    [InlineData("https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2&hash=3", null)]
    [InlineData("https://LOOKASIDE.FBSBX.COM/whatsapp_business/attachments/?mid=1", null)]
    [InlineData("https://lookaside.fbsbx.com./whatsapp_business/attachments/?mid=1", null)]
    [InlineData("http://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1", MediaRefusals.NotHttps)]
    [InlineData("ftp://lookaside.fbsbx.com/x", MediaRefusals.NotHttps)]
    [InlineData("https://evil.example/whatsapp_business/attachments/?mid=1", MediaRefusals.HostNotAllowed)]
    [InlineData("https://lookaside.fbsbx.com.evil.example/x", MediaRefusals.HostNotAllowed)]
    [InlineData("https://evil-lookaside.fbsbx.com/x", MediaRefusals.HostNotAllowed)]
    [InlineData("https://x.lookaside.fbsbx.com/x", MediaRefusals.HostNotAllowed)]
    [InlineData("https://scontent.xx.fbcdn.net/x", MediaRefusals.HostNotAllowed)]
    [InlineData("https://169.254.169.254/latest/meta-data/", MediaRefusals.HostNotAllowed)]
    [InlineData("https://lookaside.fbsbx.com@evil.example/x", MediaRefusals.HostNotAllowed)]
    public void By_default_only_lookaside_over_https_is_allowed(string url, string? refusal) =>
        new WhatsAppOptions().MediaUrlRefusal(new Uri(url)).ShouldBe(refusal);

    [Theory]
    [InlineData("media.example.net", true)]
    [InlineData("MEDIA.Example.NET", true)]
    [InlineData("a.cdn.example.org", true)]
    [InlineData("deep.a.cdn.example.org", true)]
    [InlineData("cdn.example.org", false)]       // a suffix matches subdomains, not itself
    [InlineData("evilcdn.example.org", false)]
    [InlineData("example.net", false)]
    [InlineData("sub.media.example.net", false)] // an exact entry matches only itself
    [InlineData("lookaside.fbsbx.com", false)]   // configured entries replace the defaults
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Hosts_match_exactly_or_by_a_leading_dot_suffix_case_insensitively(string? host, bool allowed) =>
        new WhatsAppOptions { MediaHosts = ["media.example.net", ".CDN.example.org"] }.AllowsMediaHost(host).ShouldBe(allowed);

    [Fact]
    public void Plain_http_is_allowed_only_with_private_addresses_allowed_and_still_only_to_listed_hosts()
    {
        var tests = new WhatsAppOptions { MediaHosts = ["127.0.0.1"], AllowPrivateMediaAddresses = true };

        tests.MediaUrlRefusal(new Uri("http://127.0.0.1:5005/media-download/1")).ShouldBeNull();
        tests.MediaUrlRefusal(new Uri("http://localhost:5005/media-download/1")).ShouldBe(MediaRefusals.HostNotAllowed);
        new WhatsAppOptions { MediaHosts = ["127.0.0.1"] }.MediaUrlRefusal(new Uri("http://127.0.0.1:5005/media-download/1")).ShouldBe(MediaRefusals.NotHttps);
    }

    [Fact]
    public void Entries_that_are_not_host_names_or_narrow_suffixes_are_reported_and_never_match()
    {
        var options = new WhatsAppOptions { MediaHosts = ["lookaside.fbsbx.com", ".fbcdn.net", ".net", ".", "*.fbcdn.net", "https://lookaside.fbsbx.com", "a b", ""] };

        var problems = options.Problems();

        problems.Count.ShouldBe(6);
        problems.ShouldAllBe(problem => problem.StartsWith("WhatsApp:MediaHosts", StringComparison.Ordinal));
        options.AllowsMediaHost("x.net").ShouldBeFalse();
        options.AllowsMediaHost("a.fbcdn.net").ShouldBeTrue();
        new WhatsAppOptions().Problems().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Production", true)]
    [InlineData("production", true)]
    [InlineData("Staging", true)] // strict as every environment but Development, Testing and Sandbox
    [InlineData("Development", false)]
    [InlineData("Testing", false)]
    [InlineData("Sandbox", false)]
    public void Private_media_addresses_are_refused_at_start_up_in_every_strict_environment(string environment, bool refused)
    {
        var configuration = Configuration(new() { ["WhatsApp:AllowPrivateMediaAddresses"] = "true" });

        var problems = StartupConfiguration.Validate(configuration, environment)
            .Where(problem => problem.Contains("AllowPrivateMediaAddresses", StringComparison.Ordinal)).ToList();

        if (refused)
        {
            problems.ShouldHaveSingleItem().ShouldStartWith("WhatsApp__AllowPrivateMediaAddresses=true is refused outside Development, Testing and Sandbox");
        }
        else
        {
            problems.ShouldBeEmpty();
        }
    }

    [Fact]
    public void Without_an_environment_start_up_validation_is_Productions_and_reports_bad_media_hosts()
    {
        var configuration = Configuration(new()
        {
            ["WhatsApp:AllowPrivateMediaAddresses"] = "true",
            ["WhatsApp:MediaHosts:0"] = "*.fbcdn.net",
        });

        var problems = StartupConfiguration.Validate(configuration);

        problems.ShouldContain(problem => problem.StartsWith("WhatsApp__AllowPrivateMediaAddresses", StringComparison.Ordinal));
        problems.ShouldContain(problem => problem.StartsWith("WhatsApp:MediaHosts: '*.fbcdn.net'", StringComparison.Ordinal));
        StartupConfiguration.Validate(Configuration(new() { ["WhatsApp:AllowPrivateMediaAddresses"] = "sometimes" }))
            .ShouldContain(problem => problem.StartsWith("WhatsApp: a setting cannot be read", StringComparison.Ordinal));
        StartupConfiguration.Validate(Configuration([])).ShouldNotContain(problem => problem.Contains("WhatsApp", StringComparison.Ordinal));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
