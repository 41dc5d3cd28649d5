using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;

namespace EasyMo.IntegrationTests.Admin;

/// <summary>
/// Scoped operator access (issue 15, part 2; contract §6): tokens per role, several per role, <c>401</c> without a known
/// token, <c>403</c> for a role that may not, <c>429</c> after repeated failures, every write audited with the role and
/// the token's id, and no answer of <c>/api</c> cacheable.
/// </summary>
public sealed class OperatorRolesTests
{
    private static readonly string Viewer = NewToken("viewer");
    private static readonly string SecondViewer = NewToken("viewer2");
    private static readonly string Operator = NewToken("operator");
    private static readonly string Privacy = NewToken("privacy");

    /// <summary>Every route of the operators' API, with the role it needs.</summary>
    public static TheoryData<string, string, string> Routes => new()
    {
        { "GET", "/api/calls", "viewer" },
        { "GET", "/api/calls/rtc_unknown", "viewer" },
        { "GET", "/api/stats/calls", "viewer" },
        { "GET", "/api/callbacks", "viewer" },
        { "GET", "/api/profiles/%2B250788123456", "operator" },
        { "PUT", "/api/profiles/%2B250788123456", "operator" },
        { "POST", "/api/callbacks", "operator" },
        // A fixed id: the rows are read at discovery and again at execution, and a new GUID each time made one row two.
        { "POST", "/api/callbacks/0196f1a8-5c3e-7b2a-9d41-3e8f2a6b1c07/cancel", "operator" },
        { "GET", "/api/profiles/%2B250788123456/export", "privacy" },
        { "DELETE", "/api/profiles/%2B250788123456", "privacy" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Each_role_reaches_what_it_may_and_gets_403_elsewhere(string method, string path, string needs)
    {
        await using var app = await StartAsync();
        var allowed = new Dictionary<string, bool>
        {
            [app.AdminToken] = true,
            [Viewer] = needs == "viewer",
            [SecondViewer] = needs == "viewer",
            [Operator] = needs is "viewer" or "operator",
            [Privacy] = needs == "privacy",
        };

        foreach (var (token, may) in allowed)
        {
            using var response = await SendAsync(app, method, path, token);
            var status = (int)response.StatusCode;
            if (may)
            {
                status.ShouldNotBeOneOf([401, 403, 429], $"{method} {path} with a token that may");
            }
            else
            {
                status.ShouldBe(403, $"{method} {path} with a token that may not");
                (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString().ShouldBe("Forbidden");
            }
        }
    }

    [Fact]
    public async Task Me_names_the_roles_and_the_token_id_never_the_token()
    {
        await using var app = await StartAsync();

        var viewer = await (await SendAsync(app, "GET", "/api/me", Viewer)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        viewer.GetProperty("roles").EnumerateArray().Select(role => role.GetString()).ShouldBe(["viewer"]);
        viewer.GetProperty("tokenId").GetString().ShouldNotBeNull().ShouldMatch("^tok_[0-9a-f]{12}$");
        viewer.GetRawText().ShouldNotContain(Viewer);
        var admin = await (await SendAsync(app, "GET", "/api/me", app.AdminToken)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        admin.GetProperty("roles").EnumerateArray().Select(role => role.GetString()).ShouldBe(["viewer", "operator", "privacy"]);
        (await SendAsync(app, "GET", "/api/me", "nope")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Every_write_is_audited_with_the_role_and_the_token_id()
    {
        await using var app = await StartAsync();
        var phone = Events.NewRwandanNumber();

        using (var put = await SendAsync(app, "PUT", $"/api/profiles/{Uri.EscapeDataString(phone)}", Operator, """{"name":"Aline"}"""))
        {
            put.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        using (var denied = await SendAsync(app, "PUT", $"/api/profiles/{Uri.EscapeDataString(phone)}", Viewer, """{"name":"Mallory"}"""))
        {
            denied.StatusCode.ShouldBe(HttpStatusCode.Forbidden); // refused, so not a write: not audited
        }

        using (var erase = await SendAsync(app, "DELETE", $"/api/profiles/{Uri.EscapeDataString(phone)}", Privacy))
        {
            erase.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        await using var db = app.Db();
        var audits = await db.PrivacyAudits.AsNoTracking().OrderBy(a => a.At).ToListAsync(Ct);
        audits.Select(a => a.Action).ShouldBe(["profile_update", "erase"]);
        audits[0].Actor.ShouldBe($"operator:{WebApi.Security.OperatorTokens.IdOf(Operator)}");
        audits[0].Subject.ShouldNotBeNull().ShouldStartWith("psn_");
        audits[1].Actor.ShouldBe($"privacy:{WebApi.Security.OperatorTokens.IdOf(Privacy)}");
        audits.ShouldAllBe(a => !a.Actor.Contains(Operator) && !a.Actor.Contains(Privacy));
    }

    [Fact]
    public async Task A_thousand_wrong_tokens_in_seconds_get_429_and_the_right_token_still_works()
    {
        await using var app = await StartAsync();
        var client = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 1_000; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/calls");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", NewToken("guess"));
            using var response = await client.SendAsync(request, Ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                response.Headers.RetryAfter.ShouldNotBeNull();
            }
        }

        statuses.Count(status => status == HttpStatusCode.Unauthorized).ShouldBe(20); // Admin:FailedAttemptsPerMinute
        statuses.Count(status => status == HttpStatusCode.TooManyRequests).ShouldBe(980);
        (await SendAsync(app, "GET", "/api/calls", Viewer)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(app, "GET", "/api/calls", app.AdminToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task No_answer_of_the_api_is_cacheable_or_sniffable_not_even_a_refusal()
    {
        await using var app = await StartAsync();

        foreach (var token in new[] { Viewer, "wrong", Privacy })
        {
            using var response = await SendAsync(app, "GET", "/api/calls", token);
            response.Headers.CacheControl?.NoStore.ShouldBe(true, $"{response.StatusCode}");
            response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        }
    }

    [Theory]
    [InlineData("PUT", "/api/profiles/%2B250788123456", 16)]
    [InlineData("POST", "/api/callbacks", 4)]
    public async Task A_chunked_body_past_the_limit_is_refused_without_being_read_whole(string method, string path, int limitKiB)
    {
        // A real socket: the answer comes while the client is still sending, as with any client over the network.
        await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?>(), kestrel: true);
        var pipe = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 0)); // the whole body buffered up front
        var json = System.Text.Encoding.UTF8.GetBytes("{\"name\":\"" + new string('a', 200_000) + "\"}");
        await pipe.Writer.WriteAsync(json, Ct);
        await pipe.Writer.CompleteAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StreamContent(pipe.Reader.AsStream()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Content.Headers.ContentLength.ShouldBeNull(); // no length: the body is sent chunked
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", app.AdminToken);

        using var client = new HttpClient { BaseAddress = app.ServerAddress, Timeout = TimeSpan.FromSeconds(20) };
        using var response = await client.SendAsync(request, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain($"larger than {limitKiB} KiB");
    }

    private static Task<EasyMoApp> StartAsync() => EasyMoApp.StartAsync(WithPrivacy("privacy-key-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16))).With(
    [
        ("Admin:ViewerTokens", $"{Viewer},{SecondViewer}"),
        ("Admin:OperatorTokens", Operator),
        ("Admin:PrivacyTokens", Privacy),
    ]));

    private static async Task<HttpResponseMessage> SendAsync(EasyMoApp app, string method, string path, string token, string? body = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null || method is "POST" or "PUT")
        {
            request.Content = new StringContent(body ?? """{"phone":"+250788123456","name":"x"}""", System.Text.Encoding.UTF8, "application/json");
        }

        return await app.CreateClient().SendAsync(request, Ct);
    }

    private static string NewToken(string role) => $"{role}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(20))}";
}
