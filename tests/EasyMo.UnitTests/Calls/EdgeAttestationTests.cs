using System.Text;
using EasyMo.Application.Features.Calls.Sip;

namespace EasyMo.UnitTests.Calls;

/// <summary>
/// The edge's attestation (docs/security.md). The vectors were computed outside this code (Python's hmac module) and
/// match what Kamailio's crypto_hmac_sha256 prints for the same text, so an edge in another language can check itself.
/// </summary>
public sealed class EdgeAttestationTests
{
    private const string Key = "easymo-test-vector-key-0123456789abcdef";
    private const string CallId = "a84b4c76e66710@meta.example";
    private const string From = "\"Aline\" <sip:+250788123456@wa.meta.vc;user=phone>;tag=9fxced76sl";
    private const string To = "<sip:+250788000001@edge.easymo.example>";
    private const long Timestamp = 1764460800; // 2025-11-30T00:00:00Z
    private const string WhatsAppVector = "v1;adm=whatsapp;ts=1764460800;sig=ehnCW9nNF4jHPLNqybWI_XPKWltUmfVbes71Y3M7VW4";

    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(Timestamp + 12);

    public static TheoryData<string, long, string, string, string, string> Vectors => new()
    {
        { "whatsapp", Timestamp, CallId, "sip:+250788123456@wa.meta.vc;user=phone", "sip:+250788000001@edge.easymo.example", WhatsAppVector },
        {
            "mtn-rw", Timestamp, "7f3e-trunk-call@196.12.0.1", "sip:0788123456@196.12.0.1", "sip:+250788000002@edge.easymo.example",
            "v1;adm=mtn-rw;ts=1764460800;sig=YujdjLVWtn5_Th8yroEBXAjbzn_zr44aqLZXfEKvgDo"
        },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Signs_the_published_vectors(string admission, long timestamp, string callId, string fromUri, string toUri, string header) =>
        EdgeAttestation.Sign(Key, admission, timestamp, callId, fromUri, toUri).ShouldBe(header);

    [Fact]
    public void Attests_an_INVITE_from_its_headers_as_the_edge_does_and_not_one_that_lacks_a_bound_field()
    {
        EdgeAttestation.Attest(Key, "whatsapp", Timestamp, Invite(null)).ShouldBe(WhatsAppVector);
        EdgeAttestation.Attest(Key, "whatsapp", Timestamp, Invite(null).Where(h => h.Name != "To").ToList()).ShouldBeNull();
    }

    [Fact]
    public void Verifies_a_vector_and_reads_who_admitted_the_call()
    {
        var result = EdgeAttestation.Verify(Invite(WhatsAppVector), Keys(Key), Now);

        result.Failure.ShouldBe(AttestationFailure.None);
        result.Admission.ShouldBe(new EdgeAdmission("whatsapp", DateTimeOffset.FromUnixTimeSeconds(Timestamp)));
        result.Admission!.IsWhatsApp.ShouldBeTrue();
        result.Admission.Trunk.ShouldBeNull();
    }

    [Fact]
    public void Reads_a_trunk_admission_as_the_trunks_name()
    {
        var header = EdgeAttestation.Sign(Key, "go-mt", Timestamp, CallId, "sip:+35699123456@10.1.1.1", "sip:+35621000000@edge");
        var result = EdgeAttestation.Verify(
            [new("Call-ID", CallId), new("From", "<sip:+35699123456@10.1.1.1>;tag=1"), new("To", "sip:+35621000000@edge"), new("x-easymo-edge", header)],
            Keys(Key),
            Now);

        result.Admission!.Trunk.ShouldBe("go-mt");
        result.Admission.IsWhatsApp.ShouldBeFalse();
    }

    [Theory]
    [InlineData("Call-ID", "another-call@meta.example")]
    [InlineData("From", "<sip:+250788999999@wa.meta.vc;user=phone>;tag=9fxced76sl")]
    [InlineData("To", "<sip:+250788000002@edge.easymo.example>")]
    public void Refuses_a_tampered_field(string name, string value)
    {
        var headers = Invite(WhatsAppVector).Select(h => h.Name == name ? h with { Value = value } : h).ToList();

        EdgeAttestation.Verify(headers, Keys(Key), Now).Failure.ShouldBe(AttestationFailure.BadSignature);
    }

    [Theory]
    [InlineData("v1;adm=mtn-rw;ts=1764460800;sig=ehnCW9nNF4jHPLNqybWI_XPKWltUmfVbes71Y3M7VW4")] // another admission
    [InlineData("v1;adm=whatsapp;ts=1764460801;sig=ehnCW9nNF4jHPLNqybWI_XPKWltUmfVbes71Y3M7VW4")] // another time
    [InlineData("v1;adm=whatsapp;ts=1764460800;sig=fhnCW9nNF4jHPLNqybWI_XPKWltUmfVbes71Y3M7VW4")] // another signature
    public void Refuses_a_tampered_attestation(string header) =>
        EdgeAttestation.Verify(Invite(header), Keys(Key), Now).Failure.ShouldBe(AttestationFailure.BadSignature);

    [Fact]
    public void Refuses_the_wrong_key() =>
        EdgeAttestation.Verify(Invite(WhatsAppVector), Keys("another-key-of-the-right-length-000000000"), Now).Failure
            .ShouldBe(AttestationFailure.BadSignature);

    [Fact]
    public void Accepts_the_previous_key_while_a_key_is_rotated()
    {
        var keys = EdgeAttestationKeys.Bytes("a-new-key-that-replaces-the-old-one-000000, " + Key);

        EdgeAttestation.Verify(Invite(WhatsAppVector), keys, Now).IsVerified.ShouldBeTrue();
        EdgeAttestation.Verify(Invite(WhatsAppVector), keys.Take(1).ToList(), Now).Failure.ShouldBe(AttestationFailure.BadSignature);
    }

    [Theory]
    [InlineData(-300, true)]
    [InlineData(300, true)]
    [InlineData(-301, false)]
    [InlineData(301, false)]
    public void Accepts_a_timestamp_within_300_seconds_either_way(int offsetSeconds, bool verified)
    {
        var result = EdgeAttestation.Verify(Invite(WhatsAppVector), Keys(Key), DateTimeOffset.FromUnixTimeSeconds(Timestamp + offsetSeconds));

        result.IsVerified.ShouldBe(verified);
        result.Failure.ShouldBe(verified ? AttestationFailure.None : AttestationFailure.Stale);
    }

    [Fact]
    public void Refuses_the_header_present_twice()
    {
        var headers = Invite(WhatsAppVector).Append(new SipHeader("X-EASYMO-EDGE", WhatsAppVector)).ToList();

        EdgeAttestation.Verify(headers, Keys(Key), Now).Failure.ShouldBe(AttestationFailure.Duplicate);
    }

    [Fact]
    public void Says_missing_when_the_INVITE_did_not_come_through_the_edge() =>
        EdgeAttestation.Verify(Invite(null), Keys(Key), Now).Failure.ShouldBe(AttestationFailure.Missing);

    [Fact]
    public void Verifies_nothing_without_a_key() =>
        EdgeAttestation.Verify(Invite(WhatsAppVector), [], Now).Failure.ShouldBe(AttestationFailure.NoKey);

    [Theory]
    [InlineData("v2;adm=whatsapp;ts=1764460800;sig=ehnCW9nNF4jHPLNqybWI_XPKWltUmfVbes71Y3M7VW4")]
    [InlineData("v1;adm=WhatsApp;ts=1764460800;sig=ehnCW9nNF4jHPLNqybWI_XPKWltUmfVbes71Y3M7VW4")]
    [InlineData("v1;adm=whatsapp;ts=-1764460800;sig=ehnCW9nNF4jHPLNqybWI_XPKWltUmfVbes71Y3M7VW4")]
    [InlineData("v1;adm=whatsapp;ts=1764460800;sig=ehnCW9nNF4jHPLNqybWI_XPKWltUmfVbes71Y3M7VW4=")]
    [InlineData("v1;adm=whatsapp;ts=1764460800;sig=ehnCW9nNF4jHPLNqybWI/XPKWltUmfVbes71Y3M7VW4")]
    [InlineData("v1;ts=1764460800;adm=whatsapp;sig=ehnCW9nNF4jHPLNqybWI_XPKWltUmfVbes71Y3M7VW4")]
    [InlineData("")]
    public void Refuses_a_malformed_header(string header) =>
        EdgeAttestation.Verify(Invite(header), Keys(Key), Now).Failure.ShouldBe(AttestationFailure.Malformed);

    [Fact]
    public void Refuses_an_INVITE_without_the_fields_it_binds()
    {
        var headers = Invite(WhatsAppVector).Where(h => h.Name != "Call-ID").ToList();

        EdgeAttestation.Verify(headers, Keys(Key), Now).Failure.ShouldBe(AttestationFailure.Malformed);
    }

    [Fact]
    public void Reads_compact_header_names_as_the_edge_does()
    {
        List<SipHeader> headers = [new("i", CallId), new("f", From), new("t", To), new(EdgeAttestation.HeaderName, WhatsAppVector)];

        EdgeAttestation.Verify(headers, Keys(Key), Now).IsVerified.ShouldBeTrue();
    }

    [Theory]
    [InlineData(null, 0, 0)]
    [InlineData("short", 1, 1)]
    [InlineData("has\"a-quote-in-it-0123456789012345678901", 1, 1)]
    [InlineData("easymo-test-vector-key-0123456789abcdef", 1, 0)]
    [InlineData("easymo-test-vector-key-0123456789abcdef , a-new-key-that-replaces-the-old-one-000000", 2, 0)]
    [InlineData("easymo-test-vector-key-0123456789abcdef,easymo-test-vector-key-0123456789abcdef", 2, 1)]
    public void Checks_the_configured_keys(string? configured, int keys, int problems)
    {
        EdgeAttestationKeys.Split(configured).Count.ShouldBe(keys);
        var found = EdgeAttestationKeys.Problems(configured, "SIP_EDGE_ATTESTATION_KEY");
        found.Count.ShouldBe(problems);
        found.ShouldAllBe(line => !line.Contains("easymo-test-vector-key", StringComparison.Ordinal));
    }

    private static List<SipHeader> Invite(string? attestation)
    {
        List<SipHeader> headers = [new("Via", "SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK776"), new("From", From), new("To", To), new("Call-ID", CallId)];
        if (attestation is not null)
        {
            headers.Add(new SipHeader(EdgeAttestation.HeaderName, attestation));
        }

        return headers;
    }

    private static IReadOnlyList<byte[]> Keys(string key) => [Encoding.UTF8.GetBytes(key)];
}
