using System.Net.Http.Headers;
using System.Text;
using EasyMo.Application.Features.Profiles;
using static EasyMo.IntegrationTests.Admin.AdminSeed;

namespace EasyMo.IntegrationTests.Admin;

/// <summary><c>GET|PUT /api/profiles/{phone}</c>, and blocking that the next incoming call obeys.</summary>
public sealed class ProfileApiTests : IAsyncLifetime
{
    private EasyMoApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await EasyMoApp.StartAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Put_creates_an_unknown_profile_with_201_and_location_then_get_shows_it()
    {
        var phone = Events.NewRwandanNumber();
        using var client = _app.Admin();

        using var created = await client.PutAsync($"/api/profiles/{phone[1..]}", Json("""{"name":"  Aline Uwase ","language":"fr","extra":42}"""), Ct);

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        created.Headers.Location!.OriginalString.ShouldBe($"/api/profiles/{phone}");
        var body = (await created.Content.ReadFromJsonAsync<ProfileDetails>(_app.Json, Ct)).ShouldNotBeNull();
        (body.Phone, body.Name, body.Language, body.Blocked, body.Calls, body.LastCallAt).ShouldBe((phone, "Aline Uwase", "fr", false, 0, null));

        var got = (await client.GetFromJsonAsync<ProfileDetails>($"/api/profiles/{Uri.EscapeDataString(phone)}", _app.Json, Ct)).ShouldNotBeNull();
        got.Name.ShouldBe("Aline Uwase");
        got.CreatedAt.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task Put_changes_only_the_members_present_and_answers_200()
    {
        var phone = Events.NewRwandanNumber();
        using var client = _app.Admin();
        (await client.PutAsync($"/api/profiles/{phone}", Json("""{"name":"Jean","language":"rw"}"""), Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);

        using var response = await client.PutAsync($"/api/profiles/{phone}", Json("""{"blocked":true}"""), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = (await response.Content.ReadFromJsonAsync<ProfileDetails>(_app.Json, Ct)).ShouldNotBeNull();
        (body.Name, body.Language, body.Blocked).ShouldBe(("Jean", "rw", true));
        body.UpdatedAt.ShouldNotBeNull();

        var cleared = await (await client.PutAsync($"/api/profiles/{phone}", Json("""{"name":null}"""), Ct)).Content.ReadFromJsonAsync<ProfileDetails>(_app.Json, Ct);
        cleared.ShouldNotBeNull();
        (cleared.Name, cleared.Language, cleared.Blocked).ShouldBe((null, "rw", true));
    }

    [Fact]
    public async Task Get_counts_the_profiles_calls_and_shows_the_last()
    {
        var phone = Events.NewRwandanNumber();
        using var client = _app.Admin();
        var profile = (await (await client.PutAsync($"/api/profiles/{phone}", Json("""{"language":"en"}"""), Ct)).Content.ReadFromJsonAsync<ProfileDetails>(_app.Json, Ct)).ShouldNotBeNull();
        await using (var db = _app.Db())
        {
            var id = db.Profiles.Single(p => p.Phone == EasyMo.Domain.Common.PhoneNumber.Parse(phone)).Id;
            var last = new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);
            await InsertAsync(_app.ConnectionString,
                new SeedCall("rtc_p1", "ended", last.AddDays(-2), DurationSeconds: 10, ProfileId: id),
                new SeedCall("rtc_p2", "rejected", last, ProfileId: id),
                new SeedCall("rtc_other", "ended", last.AddDays(1), DurationSeconds: 10));
        }

        var got = (await client.GetFromJsonAsync<ProfileDetails>($"/api/profiles/{phone}", _app.Json, Ct)).ShouldNotBeNull();

        profile.Calls.ShouldBe(0);
        got.Calls.ShouldBe(2);
        got.LastCallAt.ShouldBe(new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task An_unknown_number_is_404_problem()
    {
        using var client = _app.Admin();

        using var response = await client.GetAsync("/api/profiles/+250788999999", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
    }

    [Theory]
    [InlineData("GET", "not-a-phone", null, "phone")]
    [InlineData("GET", "0788123456", null, "phone")]
    [InlineData("PUT", "abc", """{"name":"x"}""", "phone")]
    [InlineData("PUT", "+250788123456", "", "body")]
    [InlineData("PUT", "+250788123456", "{", "body")]
    [InlineData("PUT", "+250788123456", "[1]", "body")]
    [InlineData("PUT", "+250788123456", "{}", "body")]
    [InlineData("PUT", "+250788123456", """{"unknown":1}""", "body")]
    [InlineData("PUT", "+250788123456", """{"language":"de"}""", "language")]
    [InlineData("PUT", "+250788123456", """{"language":5}""", "language")]
    [InlineData("PUT", "+250788123456", """{"blocked":"yes"}""", "blocked")]
    [InlineData("PUT", "+250788123456", """{"blocked":null}""", "blocked")]
    [InlineData("PUT", "+250788123456", """{"name":true}""", "name")]
    public async Task Bad_input_is_a_400_problem_naming_what_is_wrong(string method, string phone, string? body, string member)
    {
        using var client = _app.Admin();
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/profiles/{phone}");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var response = await client.SendAsync(request, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("errors").TryGetProperty(member, out _).ShouldBeTrue(problem.ToString());
        await using var db = _app.Db();
        db.Profiles.Count().ShouldBe(0);
    }

    [Fact]
    public async Task A_name_over_100_characters_is_400_and_one_of_100_after_trimming_is_kept()
    {
        var phone = Events.NewRwandanNumber();
        using var client = _app.Admin();

        using var tooLong = await client.PutAsync($"/api/profiles/{phone}", Json($$"""{"name":"{{new string('a', 101)}}"}"""), Ct);
        using var fits = await client.PutAsync($"/api/profiles/{phone}", Json($$"""{"name":"  {{new string('a', 100)}}  "}"""), Ct);

        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await tooLong.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("name", out _).ShouldBeTrue();
        fits.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await fits.Content.ReadFromJsonAsync<ProfileDetails>(_app.Json, Ct)).ShouldNotBeNull().Name.ShouldBe(new string('a', 100));
    }

    [Fact]
    public async Task Blocking_a_number_rejects_its_next_incoming_call_with_603()
    {
        var caller = Events.NewRwandanNumber();
        using var client = _app.Admin();
        var firstCall = Events.NewCallId();
        (await _app.PostWebhookAsync(Events.CarrierCall(firstCall, caller))).StatusCode.ShouldBe(HttpStatusCode.OK);
        _app.OpenAi.For("accept", firstCall).ShouldHaveSingleItem();

        using var put = await client.PutAsync($"/api/profiles/{caller}", Json("""{"blocked":true}"""), Ct);
        put.StatusCode.ShouldBe(HttpStatusCode.OK); // the first call created the profile
        var nextCall = Events.NewCallId();
        using var response = await _app.PostWebhookAsync(Events.CarrierCall(nextCall, caller));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        _app.OpenAi.For("accept", nextCall).ShouldBeEmpty();
        _app.OpenAi.RejectStatus(nextCall).ShouldBe(603);
        var call = await client.GetFromJsonAsync<JsonElement>($"/api/calls/{nextCall}", Ct);
        call.GetProperty("status").GetString().ShouldBe("rejected");
        (await client.GetFromJsonAsync<ProfileDetails>($"/api/profiles/{caller}", _app.Json, Ct)).ShouldNotBeNull().Calls.ShouldBe(2);
    }
}
