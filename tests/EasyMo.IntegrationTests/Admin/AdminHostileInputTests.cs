using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CsCheck;
using EasyMo.IntegrationTests.Webhooks;

namespace EasyMo.IntegrationTests.Admin;

/// <summary>
/// No authenticated admin request produces a 5xx (issue 12): ten thousand generated requests to every admin and privacy
/// route — hostile route values, query values and profile bodies, percent-escapes of bytes that are not UTF-8 — are each
/// answered with a 2xx or 4xx, and the API still answers a normal request afterwards. The generator is CsCheck's.
/// </summary>
public sealed class AdminHostileInputTests
{
    private const int Requests = 10_000;

    private static readonly Gen<string> Value = Gen.Frequency(
        (6, HostileInputTests.Hostile.Select(Escape)),
        (1, Gen.OneOf("%FF", "%C0%80", "%00", "%ED%A0%80", "%", "%Z1", "..%2F..%2Fetc%2Fpasswd", "%2F", "%3F%23")),
        (2, Gen.OneOf("accepted", "whatsapp", "rw", "verified", "2026-11-30", "2026-11-30T25:00:00Z", "-1", "0", "99999999999",
            "1e309", "NaN", "+250788123456", "250788123456", "rtc_" + new string('a', 40))));

    private static readonly Gen<string> QueryName = Gen.OneOf(
        "status", "channel", "language", "caller", "identity", "trunk", "from", "to", "limit", "page", "days", "q", "status[]", "");

    private static readonly Gen<string> BodyValue = Gen.Frequency(
        (3, HostileInputTests.Hostile.Select(HostileInputTests.Json)),
        (1, Gen.OneOf("null", "true", "false", "0", "-1", "1e999", "[]", "{}", "\"rw\"", "\"fr\"", "\"en\"", "[\"x\"]")));

    private static readonly Gen<string> ProfileBody = Gen.Frequency(
        (4, Gen.Select(BodyValue, BodyValue, BodyValue, (name, language, blocked) =>
            $$"""{"name":{{name}},"language":{{language}},"blocked":{{blocked}}}""")),
        (1, Gen.Select(HostileInputTests.Hostile, BodyValue, (key, value) => $$"""{{{HostileInputTests.Json(key)}}:{{value}}}""")),
        (1, HostileInputTests.Hostile));

    private static readonly Gen<(string Method, string Path, string? Body)> Request = Gen.Frequency(
        (4, Gen.Select(QueryName.Array[1, 4], Value.Array[4], (names, values) =>
            ("GET", "/api/calls?" + string.Join('&', names.Select((name, i) => name + "=" + values[i])), (string?)null))),
        (2, Value.Select(value => ("GET", "/api/calls/" + value, (string?)null))),
        (2, Value.Select(value => ("GET", "/api/profiles/" + value, (string?)null))),
        (3, Gen.Select(Gen.Frequency((2, Value), (1, Gen.Long[100_000_000L, 999_999_999_999_999L].Select(n => "%2B" + n.ToString(CultureInfo.InvariantCulture)))),
            ProfileBody, (value, body) => ("PUT", "/api/profiles/" + value, (string?)body))),
        (1, Value.Select(value => ("GET", "/api/stats/calls?days=" + value, (string?)null))),
        (1, Value.Select(value => ("GET", "/api/profiles/" + value + "/export", (string?)null))),
        (1, Value.Select(value => ("DELETE", "/api/profiles/" + value, (string?)null))));

    [Fact]
    public async Task Ten_thousand_hostile_admin_requests_get_no_5xx_and_a_normal_one_still_answers()
    {
        await using var app = await EasyMoApp.StartAsync(WithPrivacy(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
        using var client = app.Admin();
        var statuses = new ConcurrentDictionary<int, int>();

        await Request.SampleAsync(
            async request =>
            {
                using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
                if (request.Body is not null)
                {
                    message.Content = new StringContent(request.Body, Encoding.UTF8, "application/json");
                }

                HttpResponseMessage response;
                try
                {
                    response = await client.SendAsync(message, Ct);
                }
                catch (InvalidOperationException exception) when (exception.Message.Contains("null characters", StringComparison.Ordinal))
                {
                    // The in-memory test host refuses a NUL in the path before the service sees it; Kestrel answers 400.
                    statuses.AddOrUpdate(400, 1, (_, n) => n + 1);
                    return;
                }

                using var _ = response;
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                ((int)response.StatusCode).ShouldBeLessThan(500, await response.Content.ReadAsStringAsync(Ct));
            },
            iter: Requests,
            threads: 4,
            print: request => $"{request.Method} {request.Path} {request.Body}");

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        statuses.Values.Sum().ShouldBeGreaterThanOrEqualTo(Requests);
        statuses.Keys.ShouldContain(400, "some of the generated requests were refused as malformed");
        statuses.Keys.ShouldContain(200, "some were answered");

        using var normal = await client.GetAsync("/api/calls?limit=5", Ct);
        normal.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>Percent-escapes every byte of the UTF-8 form (lone surrogates become U+FFFD's bytes, as a client sends them).</summary>
    private static string Escape(string value)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            builder.Append(CultureInfo.InvariantCulture, $"%{b:X2}");
        }

        return builder.ToString();
    }
}
