using System.Net.Sockets;
using EasyMo.Infrastructure.Configuration;

namespace EasyMo.IntegrationTests.Metrics;

/// <summary>
/// The management listener (<c>EASYMO_MANAGEMENT_URLS</c>, contract §1 and §6): <c>/metrics</c> is served there, on a socket
/// of its own, and never on the public listener, whatever the request claims in its <c>Host</c> header.
/// </summary>
public sealed class ManagementListenerTests
{
    [Fact]
    public async Task Metrics_are_served_on_the_management_listener_and_are_404_on_the_public_one()
    {
        await using var app = await EasyMoApp.StartAsync(kestrel: true);
        using var management = app.CreateManagementClient();
        using var publicListener = new HttpClient { BaseAddress = app.ServerAddress };

        using var scrape = await management.GetAsync("metrics", Ct);
        using var onPublic = await publicListener.GetAsync("metrics", Ct);
        using var inMemoryClient = app.CreateClient();
        using var inMemory = await inMemoryClient.GetAsync("/metrics", Ct);

        scrape.StatusCode.ShouldBe(HttpStatusCode.OK);
        scrape.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        (await scrape.Content.ReadAsStringAsync(Ct)).ShouldContain("# TYPE ");
        app.ManagementAddress.Port.ShouldNotBe(app.ServerAddress!.Port);
        onPublic.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        inMemory.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task On_the_public_listener_a_Host_header_naming_the_management_address_still_gets_404()
    {
        await using var app = await EasyMoApp.StartAsync(kestrel: true);
        using var publicListener = new HttpClient { BaseAddress = app.ServerAddress };

        foreach (var host in new[] { app.ManagementAddress.Authority, "localhost:9464", "127.0.0.1:9464" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
            request.Headers.Host = host;
            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", host);
            request.Headers.TryAddWithoutValidation("X-Forwarded-Port", app.ManagementAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var response = await publicListener.SendAsync(request, Ct);

            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, host);
            (await response.Content.ReadAsStringAsync(Ct)).ShouldNotContain("# TYPE ");
        }
    }

    [Fact]
    public async Task The_health_probes_answer_on_both_listeners()
    {
        await using var app = await EasyMoApp.StartAsync();
        using var management = app.CreateManagementClient();
        using var publicListener = app.CreateClient();

        foreach (var client in new[] { management, publicListener })
        {
            (await client.GetAsync("health/live", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await client.GetAsync("health/ready", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // Only the probes and the scrape: nothing else of the service is on the management listener.
        (await management.GetAsync("api/calls", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await management.GetAsync("dashboard", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("https://127.0.0.1:9464")]
    [InlineData("http://metrics.example.com:9464")]
    [InlineData("http://127.0.0.1")]
    public async Task A_malformed_management_url_stops_start_up_naming_the_variable(string value)
    {
        var exception = await Should.ThrowAsync<InvalidConfigurationException>(async () =>
        {
            await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?> { ["Management:Urls"] = value });
        });

        exception.Problems.ShouldHaveSingleItem().ShouldStartWith("EASYMO_MANAGEMENT_URLS must be");
    }

    [Fact]
    public async Task A_management_url_on_a_public_port_stops_start_up()
    {
        var exception = await Should.ThrowAsync<InvalidConfigurationException>(async () =>
        {
            await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?>
            {
                ["urls"] = "http://127.0.0.1:18080",
                ["Management:Urls"] = "http://127.0.0.1:18080",
            });
        });

        exception.Problems.ShouldHaveSingleItem().ShouldStartWith("EASYMO_MANAGEMENT_URLS must not share a port with the public listener");
    }

    [Fact]
    public async Task A_management_port_already_taken_stops_start_up_naming_the_variable()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var exception = await Should.ThrowAsync<InvalidConfigurationException>(async () =>
        {
            await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?> { ["Management:Urls"] = $"http://127.0.0.1:{port}" });
        });

        exception.Problems.ShouldHaveSingleItem().ShouldStartWith($"EASYMO_MANAGEMENT_URLS: cannot listen on http://127.0.0.1:{port}");
    }

    [Fact]
    public async Task An_address_this_machine_does_not_have_stops_start_up_naming_the_variable()
    {
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): no machine has it.
        var exception = await Should.ThrowAsync<InvalidConfigurationException>(async () =>
        {
            await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?> { ["Management:Urls"] = "http://192.0.2.1:0" });
        });

        exception.Problems.ShouldHaveSingleItem().ShouldStartWith("EASYMO_MANAGEMENT_URLS: cannot listen on http://192.0.2.1:0");
    }
}
