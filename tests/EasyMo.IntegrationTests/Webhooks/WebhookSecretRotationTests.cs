using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EasyMo.Infrastructure.OpenAi;

namespace EasyMo.IntegrationTests.Webhooks;

/// <summary>
/// Rotating <c>OPENAI_WEBHOOK_SECRET</c>: the previous secret (<c>OPENAI_WEBHOOK_SECRET_PREVIOUS</c>) is accepted next to the
/// new one until <c>OpenAI:PreviousWebhookSecretUntil</c> by the service's clock, then refused; the new one throughout.
/// </summary>
public sealed class WebhookSecretRotationTests
{
    [Fact]
    public async Task Deliveries_signed_with_the_old_secret_are_accepted_until_its_end_and_with_the_new_one_throughout()
    {
        var oldSecret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var old = new StandardWebhookVerifier(oldSecret, TimeProvider.System);
        var clock = new MovableClock();
        var end = clock.GetUtcNow().AddHours(1);
        await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?>
        {
            ["OpenAI:PreviousWebhookSecret"] = oldSecret,
            ["OpenAI:PreviousWebhookSecretUntil"] = end.ToString("O", CultureInfo.InvariantCulture),
        }, time: clock);
        app.Logs.Text.ShouldContain("\"Name\":\"STARTUP_WEBHOOK_SECRET_ROTATING\"");
        app.Logs.Text.ShouldNotContain(oldSecret);

        (await PostSignedByAsync(app, old, clock)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PostSignedByAsync(app, app.Signer, clock)).StatusCode.ShouldBe(HttpStatusCode.OK);

        clock.MoveTo(end.AddMinutes(-1));
        (await PostSignedByAsync(app, old, clock)).StatusCode.ShouldBe(HttpStatusCode.OK);

        clock.MoveTo(end.AddMinutes(1)); // past the end: no restart needed for the old secret to be refused
        (await PostSignedByAsync(app, old, clock)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await PostSignedByAsync(app, app.Signer, clock)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_previous_secret_past_its_end_at_start_up_is_warned_about_and_refused()
    {
        var oldSecret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?>
        {
            ["OpenAI:PreviousWebhookSecret"] = oldSecret,
            ["OpenAI:PreviousWebhookSecretUntil"] = DateTimeOffset.UtcNow.AddDays(-1).ToString("O", CultureInfo.InvariantCulture),
        });

        app.Logs.Text.ShouldContain("\"Name\":\"STARTUP_PREVIOUS_WEBHOOK_SECRET_ENDED\"");
        (await PostSignedByAsync(app, new StandardWebhookVerifier(oldSecret, TimeProvider.System), TimeProvider.System)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await PostSignedByAsync(app, app.Signer, TimeProvider.System)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>An event the service only acknowledges, signed by <paramref name="signer"/> at the time of <paramref name="clock"/>.</summary>
    private static async Task<HttpResponseMessage> PostSignedByAsync(EasyMoApp app, StandardWebhookVerifier signer, TimeProvider clock)
    {
        var body = Encoding.UTF8.GetBytes(Events.Other("response.completed"));
        var id = "wh_" + Guid.NewGuid().ToString("N");
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        return await app.PostRawWebhookAsync(body, id, timestamp.ToString(CultureInfo.InvariantCulture), signer.Sign(id, timestamp, body));
    }

    /// <summary>The machine's clock, moved by the test: timers keep running in real time, "now" jumps.</summary>
    private sealed class MovableClock : TimeProvider
    {
        private long _offsetTicks;

        public void MoveTo(DateTimeOffset now) => Interlocked.Exchange(ref _offsetTicks, (now - System.GetUtcNow()).Ticks);

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
    }
}
