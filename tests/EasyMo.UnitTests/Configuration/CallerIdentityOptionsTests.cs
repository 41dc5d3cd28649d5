using EasyMo.Application.Features.Calls;
using EasyMo.Application.Features.Calls.Sip;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using EasyMo.Infrastructure.Configuration;

namespace EasyMo.UnitTests.Configuration;

public sealed class CallerIdentityOptionsTests
{
    private const string KeyA = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    private const string KeyB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    [Fact]
    public void The_default_is_anonymous_with_no_key()
    {
        var options = new CallerIdentityOptions();
        options.Policy.ShouldBe(UnverifiedCallerPolicy.Anonymous);
        options.HasAttestationKey.ShouldBeFalse();
        options.Problems().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("anonymous", UnverifiedCallerPolicy.Anonymous)]
    [InlineData(" Reject ", UnverifiedCallerPolicy.Reject)]
    [InlineData("TRUST", UnverifiedCallerPolicy.Trust)]
    [InlineData("", UnverifiedCallerPolicy.Anonymous)]
    public void Policy_names_are_read_case_insensitively(string value, UnverifiedCallerPolicy expected)
    {
        var options = new CallerIdentityOptions { UnverifiedCallers = value };
        options.Policy.ShouldBe(expected);
        options.Problems().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("allow")]
    [InlineData("verified")]
    [InlineData("anon")]
    public void An_unknown_policy_is_a_problem_naming_the_variable(string value)
    {
        var problem = new CallerIdentityOptions { UnverifiedCallers = value }.Problems().ShouldHaveSingleItem();
        problem.ShouldStartWith("EASYMO_UNVERIFIED_CALLERS must be one of anonymous, reject, trust");
    }

    [Theory]
    [InlineData("short")]
    [InlineData(KeyA + ",short")]
    [InlineData("has spaces inside it that are not allowed at all")]
    [InlineData(KeyA + "," + KeyA)]
    public void A_malformed_key_list_is_a_problem_that_names_no_key(string keys)
    {
        var problems = new CallerIdentityOptions { AttestationKey = keys }.Problems();
        problems.ShouldNotBeEmpty();
        foreach (var problem in problems)
        {
            problem.ShouldStartWith("SIP_EDGE_ATTESTATION_KEY");
            problem.ShouldNotContain(KeyA);
            problem.ShouldNotContain("short");
        }
    }

    [Fact]
    public void Start_up_validation_reports_identity_problems_from_the_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Identity:AttestationKey"] = "too-short",
            ["Identity:UnverifiedCallers"] = "sometimes",
        }).Build();

        var problems = StartupConfiguration.Validate(configuration, "Testing");
        problems.ShouldContain(line => line.StartsWith("SIP_EDGE_ATTESTATION_KEY", StringComparison.Ordinal));
        problems.ShouldContain(line => line.StartsWith("EASYMO_UNVERIFIED_CALLERS", StringComparison.Ordinal));
        problems.ShouldAllBe(line => !line.Contains("too-short"));
    }

    [Fact]
    public void The_verifier_parses_the_keys_once_and_accepts_any_of_them()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var verifier = new CallerIdentityVerifier(Options.Create(new CallerIdentityOptions { AttestationKey = $"{KeyB}, {KeyA}", UnverifiedCallers = "reject" }), time);
        verifier.Policy.ShouldBe(UnverifiedCallerPolicy.Reject);
        verifier.HasKeys.ShouldBeTrue();

        foreach (var key in new[] { KeyA, KeyB })
        {
            var result = verifier.Verify(Headers(EdgeAttestation.Sign(key, "mtn-rw", 1_800_000_000, "c1", "sip:+250788000001@x", "sip:+250788000111@y")));
            result.IsVerified.ShouldBeTrue();
            result.Admission!.Trunk.ShouldBe("mtn-rw");
        }

        verifier.Verify(Headers(EdgeAttestation.Sign(KeyA.Replace('A', 'C'), "mtn-rw", 1_800_000_000, "c1", "sip:+250788000001@x", "sip:+250788000111@y")))
            .Failure.ShouldBe(AttestationFailure.BadSignature);
    }

    [Fact]
    public void Without_a_key_nothing_verifies()
    {
        var verifier = new CallerIdentityVerifier(Options.Create(new CallerIdentityOptions()), TimeProvider.System);
        verifier.HasKeys.ShouldBeFalse();
        verifier.Verify(Headers(EdgeAttestation.Sign(KeyA, "whatsapp", DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "c1", "sip:+250788000001@x", "sip:+250788000111@y")))
            .Failure.ShouldBe(AttestationFailure.NoKey);
    }

    private static SipHeader[] Headers(string attestation) =>
    [
        new("From", "<sip:+250788000001@x>;tag=1"),
        new("To", "<sip:+250788000111@y>"),
        new("Call-ID", "c1"),
        new(EdgeAttestation.HeaderName, attestation),
    ];

    [Theory]
    [InlineData("realtime", false)]
    [InlineData("Live", false)]
    [InlineData("gpt-live", true)]
    [InlineData("both", true)]
    public void The_voice_runtime_is_realtime_or_live(string value, bool refused)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OpenAI:VoiceRuntime"] = value }).Build();

        StartupConfiguration.Validate(configuration, "Testing").Any(problem => problem.StartsWith("OPENAI_VOICE_RUNTIME", StringComparison.Ordinal)).ShouldBe(refused);
    }
}
