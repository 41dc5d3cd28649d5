using EasyMo.WebApi.Security;
using System.Text;
using EasyMo.WebApi.Webhooks;

namespace EasyMo.UnitTests.WhatsApp;

/// <summary>
/// <c>X-Hub-Signature-256</c>: HMAC-SHA256 of the raw body keyed with the app secret, <c>sha256=</c> and hex, compared
/// case-insensitively in constant time; fail closed without a secret or a header.
/// </summary>
public sealed class WhatsAppSignatureVerifierTests
{
    // RFC 4231, test case 2: HMAC-SHA256 with key "Jefe".
    private const string RfcKey = "Jefe";
    private const string RfcData = "what do ya want for nothing?";
    private const string RfcHex = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

    // A messages webhook as Meta sends it, non-ASCII escaped (\u00e4…), signed with "test-app-secret" (computed with
    // Python's hmac over the exact bytes), and the same JSON re-serialised unescaped as a proxy would.
    private const string AppSecret = "test-app-secret";
    private const string MetaBody = """{"object":"whatsapp_business_account","entry":[{"id":"366634483210360","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","contacts":[{"profile":{"name":"J\u00e4rvi \u00d6sterberg"},"wa_id":"16315553601"}],"messages":[{"from":"16315553601","id":"wamid.TEST1","timestamp":"1671644824","type":"text","text":{"body":"\u00e4\u00f6\u00e5"}}]}}]}]}""";
    private const string MetaSignature = "sha256=d5b666d3802989b2fae46e37a78243ab465e726fae5350a5d8afcf2243824a90";
    private const string ReserializedBody = """{"object":"whatsapp_business_account","entry":[{"id":"366634483210360","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","contacts":[{"profile":{"name":"Järvi Österberg"},"wa_id":"16315553601"}],"messages":[{"from":"16315553601","id":"wamid.TEST1","timestamp":"1671644824","type":"text","text":{"body":"äöå"}}]}}]}]}""";

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void The_RFC_4231_vector_verifies() =>
        new WhatsAppSignatureVerifier(RfcKey).Verify("sha256=" + RfcHex, Bytes(RfcData)).ShouldBe(WhatsAppSignatureVerification.Valid);

    [Fact]
    public void A_Meta_body_with_escaped_unicode_verifies_over_its_exact_bytes() =>
        new WhatsAppSignatureVerifier(AppSecret).Verify(MetaSignature, Bytes(MetaBody)).ShouldBe(WhatsAppSignatureVerification.Valid);

    [Fact]
    public void The_same_JSON_re_serialised_by_a_proxy_fails()
    {
        MetaBody.ShouldNotBe(ReserializedBody); // same JSON value, other bytes

        new WhatsAppSignatureVerifier(AppSecret).Verify(MetaSignature, Bytes(ReserializedBody)).ShouldBe(WhatsAppSignatureVerification.SignatureMismatch);
    }

    [Theory]
    [InlineData("sha256=" + RfcHex)]
    [InlineData("sha256=5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843")]
    [InlineData("SHA256=5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843")]
    [InlineData("sha256=5bdcc146BF60754e6a042426089575c75a003f089d2739839dec58b964ec3843")]
    [InlineData("  sha256=" + RfcHex + " ")]
    public void Hex_digits_and_the_prefix_compare_case_insensitively(string header) =>
        new WhatsAppSignatureVerifier(RfcKey).Verify(header, Bytes(RfcData)).ShouldBe(WhatsAppSignatureVerification.Valid);

    [Theory]
    [InlineData("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3844")] // last digit changed
    [InlineData("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec38")] // short
    [InlineData("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec384300")] // long
    [InlineData("sha256=zzdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")] // not hex
    [InlineData(RfcHex)] // no prefix
    [InlineData("sha1=" + RfcHex)]
    [InlineData("sha256=")]
    [InlineData("sha256=" + RfcHex + "," + "sha256=" + RfcHex)] // a repeated header, joined
    public void Anything_else_is_a_mismatch(string header) =>
        new WhatsAppSignatureVerifier(RfcKey).Verify(header, Bytes(RfcData)).ShouldBe(WhatsAppSignatureVerification.SignatureMismatch);

    [Fact]
    public void Another_secret_does_not_verify() =>
        new WhatsAppSignatureVerifier("another secret").Verify("sha256=" + RfcHex, Bytes(RfcData)).ShouldBe(WhatsAppSignatureVerification.SignatureMismatch);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_header_fails(string? header) =>
        new WhatsAppSignatureVerifier(RfcKey).Verify(header, Bytes(RfcData)).ShouldBe(WhatsAppSignatureVerification.MissingHeader);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Without_an_app_secret_nothing_verifies(string? secret)
    {
        var verifier = new WhatsAppSignatureVerifier(secret);
        var signedWithAnEmptyKey = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Array.Empty<byte>(), Bytes(RfcData)));

        verifier.IsConfigured.ShouldBeFalse();
        verifier.Verify(signedWithAnEmptyKey, Bytes(RfcData)).ShouldBe(WhatsAppSignatureVerification.NotConfigured);
        verifier.Verify(null, Bytes(RfcData)).ShouldBe(WhatsAppSignatureVerification.NotConfigured);
    }

    [Fact]
    public void Signing_writes_what_Meta_writes_lower_case_hex_after_sha256()
    {
        new WhatsAppSignatureVerifier(RfcKey).Sign(Bytes(RfcData)).ShouldBe("sha256=" + RfcHex);
        new WhatsAppSignatureVerifier(AppSecret).Sign(Bytes(MetaBody)).ShouldBe(MetaSignature);
    }

    [Fact]
    public void An_empty_body_is_signed_like_any_other()
    {
        var verifier = new WhatsAppSignatureVerifier(AppSecret);

        verifier.Verify(verifier.Sign([]), []).ShouldBe(WhatsAppSignatureVerification.Valid);
        verifier.Verify(verifier.Sign([]), Bytes(" ")).ShouldBe(WhatsAppSignatureVerification.SignatureMismatch);
    }
}

/// <summary>The <c>hub.verify_token</c> of the subscription handshake.</summary>
public sealed class SecretTokenTests
{
    [Fact]
    public void The_configured_token_matches_exactly()
    {
        var token = new SecretToken("meatyhamhock");

        token.IsConfigured.ShouldBeTrue();
        token.Matches("meatyhamhock").ShouldBeTrue();
        token.Matches("meatyhamhocK").ShouldBeFalse();
        token.Matches("meatyhamhock ").ShouldBeFalse();
        token.Matches("meaty").ShouldBeFalse();
        token.Matches("").ShouldBeFalse();
        token.Matches(null).ShouldBeFalse();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Without_a_configured_token_nothing_matches(string? configured)
    {
        var token = new SecretToken(configured);

        token.IsConfigured.ShouldBeFalse();
        token.Matches("").ShouldBeFalse();
        token.Matches(null).ShouldBeFalse();
        token.Matches("anything").ShouldBeFalse();
    }
}
