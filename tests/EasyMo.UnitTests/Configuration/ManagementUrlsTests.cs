using System.Net;
using EasyMo.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;

namespace EasyMo.UnitTests.Configuration;

/// <summary><c>EASYMO_MANAGEMENT_URLS</c>: where <c>/metrics</c> listens, and what stops start-up.</summary>
public sealed class ManagementUrlsTests
{
    [Fact]
    public void Unset_or_blank_it_is_loopback_port_9464()
    {
        ManagementUrls.Endpoints(Configuration()).ShouldBe([new ManagementEndpoint("http://127.0.0.1:9464", ManagementHost.Address, IPAddress.Loopback, 9464)]);
        ManagementUrls.Configured(Configuration(("Management:Urls", "  "))).ShouldBe("http://127.0.0.1:9464");
    }

    [Theory]
    [InlineData("http://127.0.0.1:9464", ManagementHost.Address, "127.0.0.1", 9464)]
    [InlineData("http://0.0.0.0:9464/", ManagementHost.Address, "0.0.0.0", 9464)]
    [InlineData("HTTP://10.1.2.3:0", ManagementHost.Address, "10.1.2.3", 0)]
    [InlineData("http://[::1]:9464", ManagementHost.Address, "::1", 9464)]
    [InlineData("http://localhost:9464", ManagementHost.Localhost, null, 9464)]
    [InlineData("http://*:9464", ManagementHost.Any, null, 9464)]
    [InlineData("http://+:9464", ManagementHost.Any, null, 9464)]
    public void A_url_is_a_host_and_a_port(string url, ManagementHost host, string? address, int port)
    {
        ManagementUrls.TryParse(url, out var endpoints, out var problem).ShouldBeTrue(problem);

        var endpoint = endpoints.ShouldHaveSingleItem();
        endpoint.Host.ShouldBe(host);
        endpoint.Address.ShouldBe(address is null ? null : IPAddress.Parse(address));
        endpoint.Port.ShouldBe(port);
    }

    [Fact]
    public void Several_urls_are_separated_by_semicolons_or_commas()
    {
        ManagementUrls.TryParse("http://127.0.0.1:9464; http://[::1]:9464,http://10.0.0.5:9464", out var endpoints, out _).ShouldBeTrue();

        endpoints.Select(endpoint => endpoint.Address!.ToString()).ShouldBe(["127.0.0.1", "::1", "10.0.0.5"]);
    }

    [Theory]
    [InlineData("not a url", "is not http://")]
    [InlineData("https://127.0.0.1:9464", "is not http://")]
    [InlineData("127.0.0.1:9464", "is not http://")]
    [InlineData("http://127.0.0.1", "needs a port")]
    [InlineData("http://[::1]", "needs a port")]
    [InlineData("http://127.0.0.1:", "has no port")]
    [InlineData("http://127.0.0.1:65536", "has no port")]
    [InlineData("http://127.0.0.1:-1", "has no port")]
    [InlineData("http://127.0.0.1:9464/metrics", "has a path")]
    [InlineData("http://user@127.0.0.1:9464", "has a path")]
    [InlineData("http://metrics.internal:9464", "names a host")]
    [InlineData("http://1:9464", "names a host")]
    [InlineData("http://[not-v6]:9464", "has no IPv6 address")]
    [InlineData("http://localhost:0", "cannot take port 0")]
    [InlineData(" ; ", "")]
    public void A_malformed_value_is_one_line_naming_the_variable(string value, string reason)
    {
        ManagementUrls.TryParse(value, out _, out var problem).ShouldBeFalse();

        problem.ShouldNotBeNull().ShouldStartWith("EASYMO_MANAGEMENT_URLS must be one or more http://host:port");
        problem.ShouldContain(reason);
        problem.ShouldNotContain('\n');
        ManagementUrls.Problems(Configuration(("Management:Urls", value))).ShouldBe([problem]);
    }

    [Theory]
    [InlineData("urls", "http://127.0.0.1:8080", "http://127.0.0.1:8080")]
    [InlineData("urls", "http://*:8080;https://*:8443", "http://127.0.0.1:8443")]
    [InlineData("urls", "http://+:80", "http://0.0.0.0:80")]
    [InlineData("urls", "https://localhost", "http://127.0.0.1:443")]
    [InlineData("http_ports", "8080", "http://0.0.0.0:8080")]
    [InlineData("https_ports", "8081;8443", "http://127.0.0.1:8443")]
    [InlineData(null, null, "http://localhost:5000")]
    public void A_management_url_on_a_public_port_is_refused(string? key, string? value, string management)
    {
        var configuration = Configuration(("Management:Urls", management), (key ?? "unrelated", value));

        ManagementUrls.Problems(configuration).ShouldHaveSingleItem().ShouldStartWith("EASYMO_MANAGEMENT_URLS must not share a port with the public listener");
        StartupConfiguration.Validate(configuration).ShouldContain(problem => problem.StartsWith("EASYMO_MANAGEMENT_URLS", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("urls", "http://127.0.0.1:8080", "http://127.0.0.1:9464")]
    [InlineData("urls", "http://127.0.0.1:0", "http://127.0.0.1:0")] // two ports of the kernel's choosing never meet
    [InlineData("urls", "http://unix:/run/easymo.sock", "http://127.0.0.1:9464")]
    [InlineData("http_ports", "8080", "http://127.0.0.1:5000")] // 5000 is Kestrel's default only when nothing is set
    public void A_management_url_on_a_port_of_its_own_is_accepted(string key, string value, string management) =>
        ManagementUrls.Problems(Configuration(("Management:Urls", management), (key, value))).ShouldBeEmpty();

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(pair => pair.Key, pair => pair.Value)).Build();
}
