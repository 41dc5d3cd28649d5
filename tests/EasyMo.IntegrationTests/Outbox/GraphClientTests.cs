using EasyMo.Infrastructure.WhatsApp;
using Microsoft.Extensions.DependencyInjection;

namespace EasyMo.IntegrationTests.Outbox;

/// <summary>The Graph API client's media and settings calls (for the voice-note worker and the SIP setup), against <see cref="FakeGraph"/>.</summary>
public sealed class GraphClientTests
{
    [Fact]
    public async Task Media_is_looked_up_and_downloaded_with_the_same_bearer()
    {
        await using var graph = await FakeGraph.StartAsync();
        await using var host = await OutboxHost.StartAsync(graph, new Dictionary<string, string?> { ["Outbox:Enabled"] = "false" });
        await using var scope = host.App.Services.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<WhatsAppGraphClient>();

        var media = (await client.GetMediaAsync("2621233374848975", Ct)).ShouldNotBeNull();
        using var download = await client.DownloadMediaAsync(new Uri(media.Url!), Ct);
        var bytes = await download.Content.ReadAsByteArrayAsync(Ct);

        media.MimeType.ShouldBe("audio/ogg");
        media.FileSize.ShouldBe(graph.MediaBytes.Length);
        bytes.ShouldBe(graph.MediaBytes);
        download.Content.Headers.ContentType!.MediaType.ShouldBe("audio/ogg");
        var lookup = graph.Requests.Single(request => request.Operation == "media");
        lookup.Version.ShouldBe("v24.0");
        lookup.Id.ShouldBe("2621233374848975");
        lookup.Query.ShouldContain($"phone_number_id={FakeGraph.PhoneNumberId}");
        lookup.Authorization.ShouldBe($"Bearer {host.AccessToken}");
        graph.Requests.Single(request => request.Operation == "media.download").Authorization.ShouldBe($"Bearer {host.AccessToken}");
    }

    [Fact]
    public async Task Calling_settings_are_read_with_the_SIP_password_and_written_without_empty_members()
    {
        await using var graph = await FakeGraph.StartAsync();
        await using var host = await OutboxHost.StartAsync(graph, new Dictionary<string, string?>
        {
            ["Outbox:Enabled"] = "false",
            ["WhatsApp:ApiVersion"] = "v23.0",
        });
        await using var scope = host.App.Services.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<WhatsAppGraphClient>();

        var settings = await client.GetSettingsAsync(includeSipCredentials: true, Ct);
        var updated = await client.UpdateSettingsAsync(
            new GraphPhoneNumberSettings(new GraphCallingSettings(
                "ENABLED", null, null, "SDES",
                new GraphSipSettings("ENABLED", [new GraphSipServer("sip.easymo.example", 5061, null, null, null, null)]))),
            Ct);

        var server = settings.Calling!.Sip!.Servers!.ShouldHaveSingleItem();
        server.Hostname.ShouldBe("sip.easymo.example");
        server.AppId.ShouldBe(1234);
        server.UserPassword.ShouldBe("s3cret");
        updated.ShouldBeTrue();
        var read = graph.Requests.Single(request => request.Operation == "settings.get");
        read.Version.ShouldBe("v23.0");
        read.Id.ShouldBe(FakeGraph.PhoneNumberId);
        read.Query.ShouldBe("?include_sip_credentials=true");
        var write = graph.Requests.Single(request => request.Operation == "settings.post");
        write.Authorization.ShouldBe($"Bearer {host.AccessToken}");
        var calling = write.Json.GetProperty("calling");
        calling.GetProperty("status").GetString().ShouldBe("ENABLED");
        calling.GetProperty("srtp_key_exchange_protocol").GetString().ShouldBe("SDES");
        calling.TryGetProperty("call_icon_visibility", out _).ShouldBeFalse();
        var written = calling.GetProperty("sip").GetProperty("servers")[0];
        written.GetProperty("hostname").GetString().ShouldBe("sip.easymo.example");
        written.GetProperty("port").GetInt32().ShouldBe(5061);
        written.TryGetProperty("sip_user_password", out _).ShouldBeFalse();
        host.App.Logs.Text.ShouldNotContain("s3cret");
    }
}
