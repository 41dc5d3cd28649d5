using System.Text;
using System.Text.Encodings.Web;
using EasyMo.WebApi.Webhooks;
using EasyMo.Infrastructure.Configuration;

namespace EasyMo.IntegrationTests.WhatsApp;

/// <summary>
/// Contract §4: the subscription handshake, <c>X-Hub-Signature-256</c> over the exact raw bytes (fail closed), size and
/// shape checks, and the start-up check of the WhatsApp settings. A refused request leaves no trace.
/// </summary>
public sealed class WhatsAppWebhookSecurityTests : IAsyncLifetime
{
    private WhatsAppHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await WhatsAppHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("/whatsapp-webhook", "1158201444")]
    [InlineData("/wa-webhook-voice-calls", "challenge-Abc_123")]
    [InlineData("/wa-webhook-voice-messages", "9876543210987654321")]
    public async Task The_handshake_with_the_right_token_echoes_the_challenge_as_text(string path, string challenge)
    {
        using var response = await WhatsAppHost.HandshakeAsync(_host.App, "subscribe", _host.VerifyToken, challenge, path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/plain");
        (await response.Content.ReadAsStringAsync(Ct)).ShouldBe(challenge);
    }

    [Fact]
    public async Task The_handshake_with_a_wrong_or_missing_token_or_mode_is_403()
    {
        // Not digits: the problem body carries a random hex trace id, which contains "123" now and then.
        const string challenge = "challenge-qz";
        using var wrong = await WhatsAppHost.HandshakeAsync(_host.App, "subscribe", _host.VerifyToken + "x", challenge);
        using var missing = await WhatsAppHost.HandshakeAsync(_host.App, "subscribe", null, challenge);
        using var empty = await WhatsAppHost.HandshakeAsync(_host.App, "subscribe", "", challenge);
        using var otherMode = await WhatsAppHost.HandshakeAsync(_host.App, "unsubscribe", _host.VerifyToken, challenge);
        using var noMode = await WhatsAppHost.HandshakeAsync(_host.App, null, _host.VerifyToken, challenge);

        foreach (var response in new[] { wrong, missing, empty, otherMode, noMode })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await response.Content.ReadAsStringAsync(Ct)).ShouldNotContain(challenge);
        }
    }

    [Fact]
    public async Task The_handshake_without_a_challenge_is_400()
    {
        using var response = await WhatsAppHost.HandshakeAsync(_host.App, "subscribe", _host.VerifyToken, null);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_validly_signed_delivery_is_200_and_recorded()
    {
        var answer = await _host.PostOkAsync(WhatsAppPayloads.Text(WhatsAppPayloads.NewMessageId(), WhatsAppPayloads.NewWaId(), "Aline"));

        answer.Recorded.ShouldBe(1);
    }

    [Fact]
    public async Task Upper_case_hex_is_accepted()
    {
        var body = Encoding.UTF8.GetBytes(WhatsAppPayloads.Text(WhatsAppPayloads.NewMessageId(), WhatsAppPayloads.NewWaId(), "Aline"));
        var signature = _host.Signer.Sign(body);

        using var response = await _host.PostRawAsync(body, "sha256=" + signature["sha256=".Length..].ToUpperInvariant());

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_missing_signature_is_401_and_stores_nothing()
    {
        using var response = await _host.PostRawAsync(Encoding.UTF8.GetBytes(WhatsAppPayloads.Connect(WhatsAppPayloads.NewCallId(), WhatsAppPayloads.NewWaId())), signature: null);

        await ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        await _host.ShouldHaveStoredNothingAsync();
    }

    [Theory]
    [InlineData("sha256=")]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("sha1=2fd4e1c67a2d28fced849ee1bb76e7391b93eb12")]
    [InlineData("garbage")]
    public async Task A_wrong_signature_is_401_and_stores_nothing(string signature)
    {
        using var response = await _host.PostRawAsync(Encoding.UTF8.GetBytes(WhatsAppPayloads.Connect(WhatsAppPayloads.NewCallId(), WhatsAppPayloads.NewWaId())), signature);

        await ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        await _host.ShouldHaveStoredNothingAsync();
    }

    [Fact]
    public async Task A_signature_made_with_another_app_secret_is_401()
    {
        var body = Encoding.UTF8.GetBytes(WhatsAppPayloads.Audio(WhatsAppPayloads.NewMessageId(), WhatsAppPayloads.NewWaId(), "1234567890"));

        using var response = await _host.PostRawAsync(body, new WhatsAppSignatureVerifier("not-the-app-secret").Sign(body));

        await ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        await _host.ShouldHaveStoredNothingAsync();
    }

    [Fact]
    public async Task A_body_re_serialised_by_a_proxy_fails_the_signature()
    {
        // Meta escapes non-ASCII (\u00e9); a proxy that parses and re-serialises the JSON sends other bytes, same value.
        var original = WhatsAppPayloads.Text(WhatsAppPayloads.NewMessageId(), WhatsAppPayloads.NewWaId(), "Hélène Mukamana", "Ndashaka moto — merci");
        original.ShouldContain("\\u00E9", Case.Insensitive);
        var signature = _host.Signer.Sign(Encoding.UTF8.GetBytes(original));
        var reserialised = JsonSerializer.Serialize(JsonDocument.Parse(original).RootElement, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        reserialised.ShouldNotBe(original);

        using var response = await _host.PostRawAsync(Encoding.UTF8.GetBytes(reserialised), signature);

        await ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        await _host.ShouldHaveStoredNothingAsync();
    }

    [Fact]
    public async Task A_body_over_3_MiB_is_413()
    {
        var padding = new string('x', WhatsAppWebhookEndpointsLimit);
        var body = WhatsAppPayloads.Text(WhatsAppPayloads.NewMessageId(), WhatsAppPayloads.NewWaId(), "Aline", padding);

        using var response = await _host.PostAsync(body);

        await ShouldBeProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        await _host.ShouldHaveStoredNothingAsync();
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("null")]
    [InlineData("{\"object\":")]
    [InlineData("{\"entry\":[]}")]
    [InlineData("{\"object\":\"whatsapp_business_account\"}")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":{}}")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[null]}")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":\"calls\"}]}")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[null]}]}")]
    [InlineData("{\"object\":42,\"entry\":[]}")]
    public async Task A_signed_body_that_is_not_a_WhatsApp_webhook_is_400(string body)
    {
        using var response = await _host.PostAsync(body);

        await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        await _host.ShouldHaveStoredNothingAsync();
    }

    [Fact]
    public async Task Another_object_is_200_and_ignored()
    {
        var answer = await _host.PostOkAsync("{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"feed\",\"value\":{}}]}]}");

        answer.ShouldBe(new WhatsAppAnswer(0, 0, 1));
        await _host.ShouldHaveStoredNothingAsync();
    }

    [Fact]
    public async Task Without_WhatsApp_settings_the_service_starts_and_refuses_every_handshake_and_webhook()
    {
        await using var app = await EasyMoApp.StartAsync();
        var body = Encoding.UTF8.GetBytes(WhatsAppPayloads.Connect(WhatsAppPayloads.NewCallId(), WhatsAppPayloads.NewWaId()));
        var emptyKeySignature = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Array.Empty<byte>(), body));

        using var handshake = await WhatsAppHost.HandshakeAsync(app, "subscribe", "", "123");
        using var request = new HttpRequestMessage(HttpMethod.Post, WhatsAppHost.Path) { Content = new ByteArrayContent(body) };
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", emptyKeySignature);
        using var webhook = await app.CreateClient().SendAsync(request, Ct);

        handshake.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        webhook.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await using var db = app.Db();
        (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.WhatsAppEvents, Ct)).ShouldBe(0);
    }

    [Theory]
    [InlineData("WhatsApp:VerifyToken", "WHATSAPP_APP_SECRET is required once WhatsApp is configured (WHATSAPP_VERIFY_TOKEN set)")]
    [InlineData("WhatsApp:AppSecret", "WHATSAPP_VERIFY_TOKEN is required once WhatsApp is configured (WHATSAPP_APP_SECRET set)")]
    public async Task Half_of_the_webhook_settings_stops_start_up_naming_the_other(string onlySet, string expected)
    {
        var exception = await Should.ThrowAsync<InvalidConfigurationException>(async () =>
        {
            await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?> { [onlySet] = "value" });
        });

        exception.Problems.ShouldHaveSingleItem().ShouldStartWith(expected);
        exception.Message.ShouldNotContain("value");
    }

    [Fact]
    public async Task Any_WhatsApp_setting_without_the_webhook_secrets_names_both_one_line_each()
    {
        var exception = await Should.ThrowAsync<InvalidConfigurationException>(async () =>
        {
            await using var app = await EasyMoApp.StartAsync(new Dictionary<string, string?>
            {
                ["WhatsApp:AccessToken"] = "EAAG-secret-token",
                ["WhatsApp:PhoneNumberId"] = WhatsAppPayloads.PhoneNumberId,
            });
        });

        exception.Problems.Count.ShouldBe(2);
        exception.Problems[0].ShouldStartWith("WHATSAPP_APP_SECRET is required once WhatsApp is configured (WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID set)");
        exception.Problems[1].ShouldStartWith("WHATSAPP_VERIFY_TOKEN is required");
        exception.Message.ShouldNotContain("EAAG-secret-token");
    }

    private const int WhatsAppWebhookEndpointsLimit = EasyMo.WebApi.Endpoints.WhatsAppWebhookEndpoints.MaxBodyBytes;

    private static async Task ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetInt32().ShouldBe((int)status);
    }
}
