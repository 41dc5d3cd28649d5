using EasyMo.Domain.Profiles;
using EasyMo.Domain.Common;
using EasyMo.Domain.Calls;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace EasyMo.IntegrationTests.Dashboard;

/// <summary>
/// <c>/dashboard</c> in a real browser: Debian's Chromium, headless, driven by Playwright (no browser download), against
/// the real service on a loopback socket with calls decided through signed webhooks.
/// </summary>
public sealed class DashboardTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_page_asks_for_the_token_refuses_a_wrong_one_and_then_shows_the_seeded_calls()
    {
        await using var app = await EasyMoApp.StartAsync(kestrel: true);
        var calls = await SeedCallsAsync(app, "+250788100001", "+33612345678", "+14155550123");

        // One caller the SIP edge did not attest (no X-EasyMo-Edge): answered anonymously, shown as unverified.
        var unverified = Events.NewCallId();
        using (var response = await app.PostWebhookAsync(Events.CallIncomingAsSent(unverified,
            ("From", "<sip:+250788100009@198.51.100.9>;tag=1"), ("To", "<sip:+250788000111@sip.api.openai.com>"), ("Call-ID", Guid.NewGuid().ToString()))))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        calls.Add(unverified);

        // Two of the calls were analysed after they ended (post-call analysis): one need met, one to follow up.
        await using (var db = app.Db())
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE calls SET analysis_status = 'done', analysis_service = 'pharmacy', analysis_outcome = 'resolved', analysis_sentiment = 'positive', analysis_language = 'rw' WHERE call_id = {calls[0]}", Ct);
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE calls SET analysis_status = 'done', analysis_service = 'rides', analysis_outcome = 'follow_up', analysis_sentiment = 'negative', analysis_language = 'fr' WHERE call_id = {calls[1]}", Ct);

            // And both have ended, their durations and the callers' waits measured (as the monitor writes them).
            foreach (var (callId, seconds, p95) in new[] { (calls[0], 95, 1_180), (calls[1], 40, 2_450) })
            {
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"""
                    UPDATE calls SET status = 'ended', ended_at = accepted_at + make_interval(secs => {seconds}), duration_seconds = {seconds},
                           end_reason = 'caller_hangup', monitor_owner = NULL, measured_turns = 6, turn_wait_p50_ms = 640,
                           turn_wait_p95_ms = {p95}, turn_wait_max_ms = {p95 + 200}, greeting_wait_ms = 900
                    WHERE call_id = {callId}
                    """,
                    Ct);
            }
        }

        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });

        await page.GotoAsync(new Uri(app.ServerAddress!, "dashboard").ToString());
        await Assertions.Expect(page.Locator("#gate")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#board")).ToBeHiddenAsync();

        await page.FillAsync("#token", "not-the-token");
        await page.ClickAsync("#gate-form button");
        await Assertions.Expect(page.Locator("#gate-error")).ToContainTextAsync("refused");
        await Assertions.Expect(page.Locator("#board")).ToBeHiddenAsync();

        await page.FillAsync("#token", app.AdminToken);
        await page.ClickAsync("#gate-form button");
        await Assertions.Expect(page.Locator("body[data-loaded=true]")).ToHaveCountAsync(1);

        await Assertions.Expect(page.Locator("#kpi-total")).ToHaveTextAsync(calls.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#kpi-cost")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\$\d+\.\d\d( \*)?$"));
        await Assertions.Expect(page.Locator("#kpi-mean")).Not.ToHaveTextAsync("–");
        await Assertions.Expect(page.Locator("#kpi-wait")).Not.ToHaveTextAsync("–");
        await Assertions.Expect(page.Locator("#calls tbody tr")).ToHaveCountAsync(calls.Count);
        foreach (var callId in calls)
        {
            await Assertions.Expect(page.Locator($"#calls tbody tr[data-call-id='{callId}']")).ToHaveCountAsync(1);
        }

        await Assertions.Expect(page.Locator("#calls tbody")).ToContainTextAsync("+33612345678");
        await Assertions.Expect(page.Locator($"#calls tbody tr[data-call-id='{calls[0]}'] td.identity")).ToHaveTextAsync("verified");
        await Assertions.Expect(page.Locator($"#calls tbody tr[data-call-id='{unverified}'] td.identity")).ToHaveTextAsync("unverified");
        (await page.Locator("#chart-identities").BoundingBoxAsync()).ShouldNotBeNull().Height.ShouldBeGreaterThan(100);
        (await page.Locator("#chart-days").BoundingBoxAsync()).ShouldNotBeNull().Height.ShouldBeGreaterThan(100);

        // The analysis chart: today's resolution rate, then each service's (%); the sentiment doughnut's counts.
        (await page.Locator("#chart-resolution").BoundingBoxAsync()).ShouldNotBeNull().Height.ShouldBeGreaterThan(100);
        var resolution = await page.EvaluateAsync<JsonElement>(
            "() => { const c = Chart.getChart(document.getElementById('chart-resolution')); return { labels: c.data.labels, days: c.data.datasets[0].data, services: c.data.datasets[1].data }; }");
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        resolution.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ShouldBe([today, "pharmacy", "rides"]);
        resolution.GetProperty("days")[0].GetInt32().ShouldBe(50);
        resolution.GetProperty("services")[1].GetInt32().ShouldBe(100);
        resolution.GetProperty("services")[2].GetInt32().ShouldBe(0);
        var sentiment = await page.EvaluateAsync<int[]>("() => Chart.getChart(document.getElementById('chart-sentiment')).data.datasets[0].data");
        sentiment.ShouldBe([1, 0, 1]);

        await page.Locator($"#calls tbody tr[data-call-id='{calls[1]}'] a").ClickAsync();
        await Assertions.Expect(page.Locator("#detail")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#detail-id")).ToHaveTextAsync(calls[1]);
        await Assertions.Expect(page.Locator("#detail-fields")).ToContainTextAsync("French");
        await Assertions.Expect(page.Locator("#detail-fields")).ToContainTextAsync("Caller identityverified");

        await page.Locator($"#calls tbody tr[data-call-id='{unverified}'] a").ClickAsync();
        await Assertions.Expect(page.Locator("#detail-id")).ToHaveTextAsync(unverified);
        await Assertions.Expect(page.Locator("#detail-fields")).ToContainTextAsync("Caller identityunverified");
        await page.Locator($"#calls tbody tr[data-call-id='{calls[1]}'] a").ClickAsync();
        await Assertions.Expect(page.Locator("#detail-id")).ToHaveTextAsync(calls[1]);

        await SaveScreenshotAsync(page);
    }

    [Fact]
    public async Task An_operator_asks_for_a_call_back_sees_it_queued_is_told_of_a_duplicate_and_cancels_it()
    {
        // Calls back on, at hours that have not come yet on the caller's clock: nothing is dialed during the test.
        var now = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Africa/Kigali")).DateTime);
        await using var app = await EasyMoApp.StartAsync(
            WithCallbacks("pw-" + Guid.NewGuid().ToString("N")).With(
            [
                ("Callbacks:CallingHoursStart", now.AddHours(2).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)),
                ("Callbacks:CallingHoursEnd", now.AddHours(3).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)),
            ]),
            kestrel: true);
        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        await page.GotoAsync(new Uri(app.ServerAddress!, "dashboard").ToString());
        await page.FillAsync("#token", app.AdminToken);
        await page.ClickAsync("#gate-form button");
        await Assertions.Expect(page.Locator("body[data-loaded=true]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#callbacks-empty")).ToBeVisibleAsync();

        var caller = Events.NewRwandanNumber();
        await page.FillAsync("#callback-phone", caller);
        await page.ClickAsync("#callback-form button");
        var row = page.Locator("#callbacks tbody tr");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync(caller);
        await Assertions.Expect(row.Locator(".status")).ToHaveTextAsync("queued");
        await Assertions.Expect(page.Locator("#callback-phone")).ToHaveValueAsync(string.Empty);

        await page.FillAsync("#callback-phone", caller);
        await page.ClickAsync("#callback-form button");
        await Assertions.Expect(page.Locator("#callbacks-error")).ToContainTextAsync("has a call back queued");

        await page.FillAsync("#callback-phone", "not a number");
        await page.ClickAsync("#callback-form button");
        await Assertions.Expect(page.Locator("#callbacks-error")).ToContainTextAsync("E.164");

        await row.Locator("button.cancel").ClickAsync();
        await Assertions.Expect(row.Locator(".status")).ToHaveTextAsync("cancelled");
        await Assertions.Expect(row.Locator("button.cancel")).ToHaveCountAsync(0);
        await using var db = app.Db();
        (await db.Callbacks.SingleAsync(Ct)).Status.ShouldBe(Domain.Callbacks.CallbackStatus.Cancelled);
    }

    [Fact]
    public async Task Each_role_sees_only_what_it_may_use()
    {
        var viewer = "viewer-" + Guid.NewGuid().ToString("N");
        var privacy = "privacy-" + Guid.NewGuid().ToString("N");
        await using var app = await EasyMoApp.StartAsync(
            WithPrivacy("privacy-key-" + Guid.NewGuid().ToString("N")).With([("Admin:ViewerTokens", viewer), ("Admin:PrivacyTokens", privacy)]),
            kestrel: true);
        var phone = Events.NewRwandanNumber();
        await SeedCallsAsync(app, phone);
        await using var browser = await LaunchAsync();

        // A viewer: the figures, the calls and the calls back, but no way to ask for one, and nothing of privacy.
        var page = await SignInAsync(browser, app, viewer);
        await Assertions.Expect(page.Locator("#calls tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#kpi-total")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#callbacks-card")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#callback-form")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#privacy-card")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#error")).ToBeEmptyAsync();

        // Privacy: no calls at all, only a person's export and erasure.
        page = await SignInAsync(browser, app, privacy);
        await Assertions.Expect(page.Locator("#privacy-card")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#calls")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator(".kpis")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#callbacks-card")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#error")).ToBeEmptyAsync();
        await page.FillAsync("#privacy-phone", phone);
        await page.ClickAsync("#privacy-export");
        await Assertions.Expect(page.Locator("#privacy-result")).ToContainTextAsync("calls 1");
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.ClickAsync("#privacy-erase");
        await Assertions.Expect(page.Locator("#privacy-result")).ToContainTextAsync("Erased");
        await using var db = app.Db();
        (await db.Calls.AsNoTracking().SingleAsync(Ct)).Caller.ShouldBeNull(); // the call stays, without the number
    }

    [Fact]
    public async Task A_call_s_detail_shows_the_brief_sent_for_its_warm_transfer_and_its_delivery()
    {
        await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?>
        {
            ["Calls:TransferTargets:default"] = "sip:desk@pbx.example",
            ["Calls:TransferContacts:default"] = "+250788555003",
            ["Outbox:Enabled"] = "false",
        }, kestrel: true);
        var calls = await SeedCallsAsync(app, "+250788100003");
        (await app.SendAsync(new Application.Features.Calls.TransferCall.TransferCallCommand(
            calls[0].AsCallId(), Application.Features.Calls.TransferCall.TransferTrigger.AgentTool, Service: "pharmacy")))
            .ShouldBe(Application.Features.Calls.TransferCall.TransferOutcome.Transferring);
        await using var browser = await LaunchAsync();
        var page = await SignInAsync(browser, app, app.AdminToken);

        await page.Locator($"#calls tbody tr[data-call-id='{calls[0]}'] a").ClickAsync();

        await Assertions.Expect(page.Locator("#detail-id")).ToHaveTextAsync(calls[0]);
        await Assertions.Expect(page.Locator("#detail-briefs li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#detail-briefs")).ToContainTextAsync("#1 to +250788555003");
        await Assertions.Expect(page.Locator("#detail-briefs")).ToContainTextAsync("pending");
        await Assertions.Expect(page.Locator("#detail-briefs .brief-text")).ToContainTextAsync("Serivisi: pharmacy");
    }

    private static async Task<IPage> SignInAsync(BrowserSession browser, EasyMoApp app, string token)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        await page.GotoAsync(new Uri(app.ServerAddress!, "dashboard").ToString());
        await page.FillAsync("#token", token);
        await page.ClickAsync("#gate-form button");
        await Assertions.Expect(page.Locator("body[data-loaded=true]")).ToHaveCountAsync(1);
        return page;
    }

    [Fact]
    public async Task On_a_phone_the_page_fits_the_screen_and_the_figures_stay_readable()
    {
        await using var app = await EasyMoApp.StartAsync(kestrel: true);
        await SeedCallsAsync(app, "+250788100002");
        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true });

        await page.GotoAsync(new Uri(app.ServerAddress!, "dashboard").ToString());
        await page.FillAsync("#token", app.AdminToken);
        await page.ClickAsync("#gate-form button");
        await Assertions.Expect(page.Locator("#kpi-total")).ToHaveTextAsync("1");

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        overflow.ShouldBeLessThanOrEqualTo(0, "no sideways scrolling on a phone (the calls table scrolls inside its card)");
        var fontSize = await page.EvaluateAsync<double>("() => parseFloat(getComputedStyle(document.querySelector('#kpi-total')).fontSize)");
        fontSize.ShouldBeGreaterThanOrEqualTo(16);
    }

    [Fact]
    public async Task The_page_itself_holds_no_data_and_is_served_with_a_strict_content_security_policy()
    {
        await using var app = await EasyMoApp.StartAsync();
        using var client = app.CreateClient();

        using var page = await client.GetAsync("/dashboard", Ct);
        using var script = await client.GetAsync("/dashboard/vendor/chart.js/chart.umd.min.js", Ct);
        using var licence = await client.GetAsync("/dashboard/vendor/chart.js/LICENSE.md", Ct);
        using var data = await client.GetAsync("/api/stats/calls?days=7", Ct);

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var policy = page.Headers.GetValues("Content-Security-Policy").ShouldHaveSingleItem();
        policy.ShouldContain("script-src 'self'");
        policy.ShouldContain("frame-ancestors 'none'");
        policy.ShouldNotContain("unsafe-inline");
        (await page.Content.ReadAsStringAsync(Ct)).ShouldNotContain("<script>", customMessage: "no inline script: the policy forbids it");
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
        script.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
        (await licence.Content.ReadAsStringAsync(Ct)).ShouldContain("MIT License");
        data.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the figures are behind the admin token");
    }

    [Fact]
    public async Task The_live_view_shows_a_call_as_it_happens_and_an_operator_ends_it_from_there()
    {
        await using var app = await EasyMoApp.StartAsync(TestSettings.WithMonitor(), kestrel: true);
        app.OpenAi.RealtimeScript = async session =>
        {
            await session.WaitForAsync("response.create");
            await session.SendAsync(new { type = "response.output_audio_transcript.done", item_id = "item_1", transcript = "Muraho, nabafasha iki?" });
            await session.SendAsync(new { type = "input_audio_buffer.speech_stopped", audio_end_ms = 3_000, item_id = "item_2" });
            await Task.Delay(300);
            await session.SendAsync(new { type = "output_audio_buffer.started", response_id = "resp_2" });
            await session.SendAsync(new { type = "conversation.item.input_audio_transcription.completed", item_id = "item_2", transcript = "Ndashaka moto i Kimironko." });
            await Poll.UntilAsync(() => app.OpenAi.For("hangup", session.CallId).Count > 0, "the operator's hang-up", TimeSpan.FromSeconds(30));
            await session.CloseAsync();
        };
        var caller = "+250788100077";
        await using (var db = app.Db())
        {
            // A caller who agreed before that their calls may be kept: the view shows what is said.
            var profile = Profile.Create(PhoneNumber.Parse(caller), null, "Aline", Language.Kinyarwanda, DateTimeOffset.UtcNow.AddDays(-1));
            profile.RememberConsent(granted: true, DateTimeOffset.UtcNow.AddDays(-1));
            db.Profiles.Add(profile);
            await db.SaveChangesAsync(Ct);
        }

        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        await page.GotoAsync(new Uri(app.ServerAddress!, "dashboard").ToString());
        await page.FillAsync("#token", app.AdminToken);
        await page.ClickAsync("#gate-form button");
        await Assertions.Expect(page.Locator("#live-state")).ToContainTextAsync("live");

        var callId = Events.NewCallId();
        using (var response = await app.PostWebhookAsync(Events.CarrierCall(callId, caller)))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var row = page.Locator($"#live-calls tbody tr[data-call-id='{callId}']");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("td.caller")).ToHaveTextAsync(caller); // the admin token sees the number whole
        await Assertions.Expect(row.Locator("td.transcript")).ToContainTextAsync("Muraho, nabafasha iki?");
        await Assertions.Expect(row.Locator("td.transcript")).ToContainTextAsync("Ndashaka moto i Kimironko.");
        await Assertions.Expect(row.Locator("td.wait")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+ ms$"));

        await row.Locator("button.end").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#live-empty")).ToBeVisibleAsync();

        app.OpenAi.For("hangup", callId).ShouldHaveSingleItem();
        await using var check = app.Db();
        var ended = await check.Calls.AsNoTracking().SingleAsync(c => c.CallId == callId.AsCallId(), Ct);
        ended.Status.ShouldBe(CallStatus.Ended);
        ended.EndReason.ShouldBe(CallEndReason.AgentHangup);
        (await check.CallActivities.AsNoTracking().Where(a => a.CallId == ended.Id).Select(a => a.Name + " " + a.Detail).ToListAsync(Ct))
            .ShouldContain(activity => activity.StartsWith("hangup ended by tok_", StringComparison.Ordinal));
    }

    /// <summary>Calls decided the way production decides them: a signed webhook each, accepted at the fake OpenAI.</summary>
    private static async Task<List<string>> SeedCallsAsync(EasyMoApp app, params string[] callers)
    {
        var calls = new List<string>();
        foreach (var caller in callers)
        {
            var callId = Events.NewCallId();
            using var response = await app.PostWebhookAsync(Events.CarrierCall(callId, caller));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            calls.Add(callId);
            await Task.Delay(20, Ct); // distinct start times, so that the newest-first order is the seeding order reversed
        }

        return calls;
    }

    private static async Task<BrowserSession> LaunchAsync()
    {
        File.Exists(Chromium).ShouldBeTrue($"{Chromium} is missing: install Debian's chromium (scripts/test-prerequisites.sh does).");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // The machine has no network beyond the package mirrors: Chromium must not try to reach Google.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return new BrowserSession(playwright, browser);
    }

    /// <summary><c>EASYMO_DASHBOARD_SCREENSHOT=docs/img/dashboard.png</c> writes the README's screenshot from this test's page.</summary>
    private static async Task SaveScreenshotAsync(IPage page)
    {
        if (Environment.GetEnvironmentVariable("EASYMO_DASHBOARD_SCREENSHOT") is { Length: > 0 } path)
        {
            await page.EvaluateAsync("() => window.scrollTo(0, 0)");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        }
    }

    /// <summary>Playwright and its browser, closed together.</summary>
    private sealed class BrowserSession(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
    {
        public Task<IPage> NewPageAsync(BrowserNewPageOptions options) => browser.NewPageAsync(options);

        public async ValueTask DisposeAsync()
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
