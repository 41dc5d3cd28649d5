using EasyMo.Testing;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using EasyMo.Infrastructure.OpenAi;

namespace EasyMo.UnitTests.Webhooks;

/// <summary>
/// Standard Webhooks verification against the published test vectors (OpenAI's SDK tests and the Standard Webhooks
/// libraries' tests) and their negative cases.
/// </summary>
public sealed class StandardWebhookVerifierTests
{
    // openai/openai-python tests/lib/test_webhooks.py (same constants in openai-node).
    private const string OpenAiSecret = "whsec_RdvaYFYUXuIFuEbvZHwMfYFhUf7aMYjYcmM24+Aj40c=";
    private const string OpenAiId = "wh_685c059ae39c8190af8c71ed1022a24d";
    private const long OpenAiTimestamp = 1750861210;
    private const string OpenAiPayload = "{\"id\": \"evt_685c059ae3a481909bdc86819b066fb6\", \"object\": \"event\", \"created_at\": 1750861210, \"type\": \"response.completed\", \"data\": {\"id\": \"resp_123\"}}";
    private const string OpenAiSignature = "v1,gUAg4R2hWouRZqRQG4uJypNS8YK885G838+EHb4nKBY=";

    // standard-webhooks libraries/csharp WebhookTest.cs verifyWebhookSignWorks.
    private const string StandardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string StandardId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long StandardTimestamp = 1614265330;
    private const string StandardPayload = "{\"test\": 2432232314}";
    private const string StandardSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    // A realtime.call.incoming signed with the OpenAI secret (self-computed vector).
    private const string IncomingPayload = "{\"object\":\"event\",\"id\":\"evt_test_sip_1\",\"type\":\"realtime.call.incoming\",\"created_at\":1750861210,\"data\":{\"call_id\":\"rtc_test_1\",\"sip_headers\":[{\"name\":\"From\",\"value\":\"sip:+15555550100@example.com\"},{\"name\":\"To\",\"value\":\"sip:+15555550199@example.com\"}]}}";
    private const string IncomingSignature = "v1,WaCTwlpB2M4Mh+gHoLwYuOUHLcgdVTxkcNmo0Pb81YM=";

    private static StandardWebhookVerifier At(string secret, long now) =>
        new(secret, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(now)));

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void The_OpenAI_SDK_vector_verifies() =>
        At(OpenAiSecret, OpenAiTimestamp).Verify(OpenAiId, "1750861210", OpenAiSignature, Bytes(OpenAiPayload)).ShouldBe(WebhookVerification.Valid);

    [Fact]
    public void The_Standard_Webhooks_vector_verifies() =>
        At(StandardSecret, StandardTimestamp).Verify(StandardId, "1614265330", StandardSignature, Bytes(StandardPayload)).ShouldBe(WebhookVerification.Valid);

    [Fact]
    public void The_incoming_call_vector_verifies() =>
        At(OpenAiSecret, OpenAiTimestamp).Verify("wh_test_sip_1", "1750861210", IncomingSignature, Bytes(IncomingPayload)).ShouldBe(WebhookVerification.Valid);

    [Fact]
    public void Signing_reproduces_the_published_signatures()
    {
        At(OpenAiSecret, 0).Sign(OpenAiId, OpenAiTimestamp, Bytes(OpenAiPayload)).ShouldBe(OpenAiSignature);
        At(StandardSecret, 0).Sign(StandardId, StandardTimestamp, Bytes(StandardPayload)).ShouldBe(StandardSignature);
    }

    [Fact]
    public void A_signature_with_its_last_character_changed_fails() =>
        At(StandardSecret, StandardTimestamp)
            .Verify(StandardId, "1614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=", Bytes(StandardPayload))
            .ShouldBe(WebhookVerification.SignatureMismatch);

    [Fact]
    public void Any_entry_of_a_multi_signature_header_may_match()
    {
        const string header = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
            + StandardSignature + " v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";

        At(StandardSecret, StandardTimestamp).Verify(StandardId, "1614265330", header, Bytes(StandardPayload)).ShouldBe(WebhookVerification.Valid);
    }

    [Theory]
    [InlineData("v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1,not base64!")]
    [InlineData("v1,")]
    [InlineData("v1,g0hM9SsE")]
    public void Entries_that_are_not_valid_v1_signatures_never_match(string header) =>
        At(StandardSecret, StandardTimestamp).Verify(StandardId, "1614265330", header, Bytes(StandardPayload)).ShouldBe(WebhookVerification.SignatureMismatch);

    [Fact]
    public void A_changed_body_fails()
    {
        var reserialized = OpenAiPayload.Replace(": ", ":", StringComparison.Ordinal);

        At(OpenAiSecret, OpenAiTimestamp).Verify(OpenAiId, "1750861210", OpenAiSignature, Bytes(reserialized)).ShouldBe(WebhookVerification.SignatureMismatch);
    }

    [Fact]
    public void Another_webhook_id_fails() =>
        At(OpenAiSecret, OpenAiTimestamp).Verify("wh_other", "1750861210", OpenAiSignature, Bytes(OpenAiPayload)).ShouldBe(WebhookVerification.SignatureMismatch);

    [Theory]
    [InlineData(-300, WebhookVerification.Valid)]
    [InlineData(300, WebhookVerification.Valid)]
    [InlineData(-301, WebhookVerification.TimestampOutOfRange)]
    [InlineData(301, WebhookVerification.TimestampOutOfRange)]
    public void The_timestamp_tolerance_is_300_seconds_inclusive(int clockOffset, WebhookVerification expected) =>
        At(OpenAiSecret, OpenAiTimestamp + clockOffset).Verify(OpenAiId, "1750861210", OpenAiSignature, Bytes(OpenAiPayload)).ShouldBe(expected);

    [Theory]
    [InlineData("1750861210.0")]
    [InlineData("17508612l0")]
    [InlineData("0x1A")]
    [InlineData("99999999999999999999")]
    public void A_timestamp_that_is_not_an_integer_fails(string timestamp) =>
        At(OpenAiSecret, OpenAiTimestamp).Verify(OpenAiId, timestamp, OpenAiSignature, Bytes(OpenAiPayload)).ShouldBe(WebhookVerification.InvalidTimestamp);

    [Fact]
    public void The_timestamp_is_signed_as_received()
    {
        var verifier = At(OpenAiSecret, OpenAiTimestamp);
        var body = Bytes(OpenAiPayload);
        var signedWithLeadingZero = verifier.Sign(OpenAiId, OpenAiTimestamp, body); // over "1750861210"

        verifier.Verify(OpenAiId, "01750861210", signedWithLeadingZero, body).ShouldBe(WebhookVerification.SignatureMismatch);
    }

    [Theory]
    [InlineData(null, "1750861210", OpenAiSignature)]
    [InlineData(OpenAiId, null, OpenAiSignature)]
    [InlineData(OpenAiId, "1750861210", null)]
    [InlineData("", "1750861210", OpenAiSignature)]
    public void A_missing_header_fails(string? id, string? timestamp, string? signature) =>
        At(OpenAiSecret, OpenAiTimestamp).Verify(id, timestamp, signature, Bytes(OpenAiPayload)).ShouldBe(WebhookVerification.MissingHeader);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("whsec_")]
    [InlineData("whsec_%%%")]
    public void There_is_no_unsigned_mode_a_missing_or_malformed_secret_fails_closed(string? secret)
    {
        StandardWebhookVerifier.TryDecodeSecret(secret, out _).ShouldBeFalse();
        Should.Throw<ArgumentException>(() => new StandardWebhookVerifier(secret!, TimeProvider.System));
    }

    [Fact]
    public void A_secret_without_the_prefix_is_used_as_raw_bytes_as_OpenAIs_SDKs_do()
    {
        StandardWebhookVerifier.TryDecodeSecret("plain-secret", out var key).ShouldBeTrue();
        key.ShouldBe(Encoding.UTF8.GetBytes("plain-secret"));
    }

    [Theory]
    [InlineData(null, SecretStrength.Missing)]
    [InlineData("  ", SecretStrength.Missing)]
    [InlineData("plain-secret-of-more-than-twenty-four-bytes", SecretStrength.Malformed)]
    [InlineData("whsec_***not-base64***", SecretStrength.Malformed)]
    [InlineData("whsec-of:23", SecretStrength.TooShort)] // 23 bytes
    [InlineData(StandardSecret, SecretStrength.Strong)] // 24 bytes
    [InlineData(OpenAiSecret, SecretStrength.Strong)] // 32 bytes
    public void Start_up_takes_only_whsec_secrets_of_at_least_24_bytes(string? secret, SecretStrength expected) =>
        StandardWebhookVerifier.Strength(TestSecrets.Expand(secret)).ShouldBe(expected);

    [Theory]
    [InlineData("2026-12-01T12:00:00Z", true)]
    [InlineData("2026-12-01T12:00:00.5Z", true)]
    [InlineData("2026-12-01T14:00:00+02:00", true)]
    [InlineData("2026-12-01T12:00:00", false)] // a local time: whose?
    [InlineData("2026-12-01", false)]
    [InlineData("01/12/2026 12:00:00 +00:00", false)]
    [InlineData("tomorrow", false)]
    public void The_end_of_a_previous_secret_is_an_ISO_8601_instant_with_its_offset(string text, bool parsed) =>
        StandardWebhookVerifier.TryParseInstant(text, out _).ShouldBe(parsed);

    [Fact]
    public void An_end_with_an_offset_is_the_instant_it_names()
    {
        StandardWebhookVerifier.TryParseInstant("2026-12-01T14:00:00+02:00", out var instant).ShouldBeTrue();
        instant.ShouldBe(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void While_rotating_a_delivery_signed_with_either_secret_is_valid_until_the_previous_ones_end()
    {
        var until = DateTimeOffset.FromUnixTimeSeconds(OpenAiTimestamp + 60);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(OpenAiTimestamp));
        var verifier = new StandardWebhookVerifier(StandardSecret, time, previousSecret: OpenAiSecret, previousUntil: until);
        var body = Bytes(OpenAiPayload);
        var current = At(StandardSecret, 0);

        verifier.Verify(OpenAiId, "1750861210", OpenAiSignature, body).ShouldBe(WebhookVerification.Valid); // the previous secret's
        verifier.Verify(OpenAiId, "1750861210", current.Sign(OpenAiId, OpenAiTimestamp, body), body).ShouldBe(WebhookVerification.Valid);

        time.SetUtcNow(until.AddSeconds(-1));
        verifier.Verify(OpenAiId, "1750861210", OpenAiSignature, body).ShouldBe(WebhookVerification.Valid);

        time.SetUtcNow(until); // the end is exclusive: from then on, only the current secret
        verifier.Verify(OpenAiId, "1750861210", OpenAiSignature, body).ShouldBe(WebhookVerification.SignatureMismatch);
        verifier.Verify(OpenAiId, "1750861210", current.Sign(OpenAiId, OpenAiTimestamp, body), body).ShouldBe(WebhookVerification.Valid);
    }

    [Fact]
    public void A_header_carrying_both_secrets_signatures_is_valid_during_and_after_the_rotation()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(OpenAiTimestamp));
        var verifier = new StandardWebhookVerifier(StandardSecret, time, previousSecret: OpenAiSecret, previousUntil: time.GetUtcNow().AddSeconds(10));
        var body = Bytes(OpenAiPayload);
        var header = OpenAiSignature + " " + At(StandardSecret, 0).Sign(OpenAiId, OpenAiTimestamp, body);

        verifier.Verify(OpenAiId, "1750861210", header, body).ShouldBe(WebhookVerification.Valid);
        time.Advance(TimeSpan.FromSeconds(10));
        verifier.Verify(OpenAiId, "1750861210", header, body).ShouldBe(WebhookVerification.Valid);
    }

    [Fact]
    public void Without_a_previous_secret_only_the_current_one_verifies() =>
        At(StandardSecret, OpenAiTimestamp).Verify(OpenAiId, "1750861210", OpenAiSignature, Bytes(OpenAiPayload)).ShouldBe(WebhookVerification.SignatureMismatch);

    [Fact]
    public void A_previous_secret_needs_an_end_and_a_well_formed_value()
    {
        Should.Throw<ArgumentException>(() => new StandardWebhookVerifier(StandardSecret, TimeProvider.System, previousSecret: OpenAiSecret));
        Should.Throw<ArgumentException>(() => new StandardWebhookVerifier(StandardSecret, TimeProvider.System, previousSecret: "whsec_%%%", previousUntil: DateTimeOffset.UtcNow));
    }

    [Fact]
    public void The_service_builds_its_verifier_from_the_rotation_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StandardWebhookVerifier.SecretKey] = StandardSecret,
            [StandardWebhookVerifier.PreviousSecretKey] = OpenAiSecret,
            [StandardWebhookVerifier.PreviousSecretUntilKey] = DateTimeOffset.FromUnixTimeSeconds(OpenAiTimestamp + 1).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(OpenAiTimestamp));
        var verifier = StandardWebhookVerifier.FromConfiguration(configuration, time);

        verifier.Verify(OpenAiId, "1750861210", OpenAiSignature, Bytes(OpenAiPayload)).ShouldBe(WebhookVerification.Valid);
        time.Advance(TimeSpan.FromSeconds(1));
        verifier.Verify(OpenAiId, "1750861210", OpenAiSignature, Bytes(OpenAiPayload)).ShouldBe(WebhookVerification.SignatureMismatch);
    }

    [Fact]
    public void A_long_webhook_id_is_signed_and_verified_as_a_short_one_is()
    {
        var verifier = At(OpenAiSecret, OpenAiTimestamp);
        var id = "wh_" + new string('é', 300); // past the stack buffer, and more than one byte a character
        var body = Bytes(OpenAiPayload);

        verifier.Verify(id, "1750861210", verifier.Sign(id, OpenAiTimestamp, body), body).ShouldBe(WebhookVerification.Valid);
    }
}
