using Microsoft.AspNetCore.Hosting;

namespace EasyMo.IntegrationTests.Admin;

/// <summary>The OpenAPI document is always served; Scalar's page only in Development.</summary>
public sealed class OpenApiTests
{
    [Fact]
    public async Task The_document_is_json_listing_the_admin_and_webhook_paths_with_the_bearer_scheme()
    {
        await using var app = await EasyMoApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var root = document.RootElement;
        root.GetProperty("openapi").GetString().ShouldStartWith("3.");
        var paths = root.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        paths.ShouldContain("/api/calls");
        paths.ShouldContain("/api/calls/{callId}");
        paths.ShouldContain("/api/profiles/{phone}");
        paths.ShouldContain("/api/stats/calls");
        paths.ShouldContain("/openai-sip-webhook");
        paths.ShouldContain("/whatsapp-webhook");
        root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString().ShouldBe("bearer");
        var list = root.GetProperty("paths").GetProperty("/api/calls").GetProperty("get");
        list.GetProperty("operationId").GetString().ShouldBe("ListCalls");
        list.GetProperty("security")[0].TryGetProperty("bearer", out _).ShouldBeTrue();
        list.GetProperty("responses").TryGetProperty("400", out _).ShouldBeTrue();
        list.GetProperty("responses").TryGetProperty("401", out _).ShouldBeTrue();
        root.GetProperty("paths").GetProperty("/openai-sip-webhook").GetProperty("post").TryGetProperty("security", out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("Production", false)]
    [InlineData("Development", true)]
    public async Task Scalar_is_mapped_in_development_only(string environment, bool mapped)
    {
        await using var app = await EasyMoApp.StartAsync(WithPrivacy("pseudonym-key-" + Guid.NewGuid().ToString("N"))); // Production requires one
        await using var host = app.WithWebHostBuilder(builder => builder.UseEnvironment(environment));
        using var client = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = true });

        using var response = await client.GetAsync("/scalar/v1", Ct);
        using var document = await client.GetAsync("/openapi/v1.json", Ct);

        (response.StatusCode == HttpStatusCode.OK).ShouldBe(mapped);
        if (!mapped)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        document.StatusCode.ShouldBe(HttpStatusCode.OK); // the document itself is served everywhere
    }
}
