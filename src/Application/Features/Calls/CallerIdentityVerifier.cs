using EasyMo.Application.Features.Calls.Sip;
using EasyMo.Domain.Calls;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Features.Calls;

/// <summary>
/// Checks an INVITE's <c>X-EasyMo-Edge</c> attestation against the configured keys, parsed once (a singleton): one
/// HMAC per key per call, no I/O.
/// </summary>
public sealed class CallerIdentityVerifier
{
    private readonly IReadOnlyList<byte[]> _keys;
    private readonly TimeProvider _time;

    public CallerIdentityVerifier(IOptions<CallerIdentityOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;

        // Start-up refuses malformed keys; should one get here all the same, it verifies nothing rather than something weak.
        _keys = EdgeAttestationKeys.Problems(value.AttestationKey, CallerIdentityOptions.AttestationKeyVariable).Count == 0
            ? EdgeAttestationKeys.Bytes(value.AttestationKey)
            : [];
        Policy = value.Policy;
        _time = time;
    }

    /// <summary>What happens to calls that are not verified.</summary>
    public UnverifiedCallerPolicy Policy { get; }

    /// <summary>Whether any key is configured (without one every call is unverified).</summary>
    public bool HasKeys => _keys.Count > 0;

    public AttestationResult Verify(IReadOnlyList<SipHeader> headers) => EdgeAttestation.Verify(headers, _keys, _time.GetUtcNow());

    /// <summary>
    /// Who is calling, as far as can be proved: the INVITE as the edge admitted it when attested; as claimed under the
    /// <c>trust</c> policy; otherwise a phone call from a number that is only a claim.
    /// </summary>
    public IdentifiedCaller Identify(IncomingInvite claimed, IReadOnlyList<SipHeader> headers)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        var attestation = Verify(headers);
        if (attestation.Admission is { } admission)
        {
            return new IdentifiedCaller(claimed.Admitted(admission), CallerIdentity.Verified, attestation.Failure, Trusted: true, admission.Trunk, Refused: false);
        }

        return Policy == UnverifiedCallerPolicy.Trust
            ? new IdentifiedCaller(claimed, CallerIdentity.Unverified, attestation.Failure, Trusted: true, AttestedTrunk: null, Refused: false)
            : new IdentifiedCaller(claimed.AsPhoneCall(), CallerIdentity.Unverified, attestation.Failure, Trusted: false, AttestedTrunk: null, Refused: Policy == UnverifiedCallerPolicy.Reject);
    }
}

/// <summary>
/// The outcome of <see cref="CallerIdentityVerifier.Identify"/>. <see cref="Trusted"/>: the caller's number may be used
/// (profile, name, summary, consent, messages); <see cref="Refused"/>: the policy refuses the call (603).
/// </summary>
public sealed record IdentifiedCaller(
    IncomingInvite Invite,
    CallerIdentity Level,
    AttestationFailure Attestation,
    bool Trusted,
    string? AttestedTrunk,
    bool Refused);
