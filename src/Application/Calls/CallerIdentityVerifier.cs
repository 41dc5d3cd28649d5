using EasyMo.Application.Calls.Sip;
using Microsoft.Extensions.Options;

namespace EasyMo.Application.Calls;

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
}
