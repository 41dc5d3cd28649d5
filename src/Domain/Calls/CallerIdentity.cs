namespace EasyMo.Domain.Calls;

/// <summary>How far the caller's number can be believed.</summary>
public enum CallerIdentity
{
    /// <summary>
    /// No valid <c>X-EasyMo-Edge</c> attestation: the INVITE may have gone straight to OpenAI's public SIP address, so
    /// the number in <c>From</c>/<c>P-Asserted-Identity</c> is only a claim.
    /// </summary>
    Unverified,

    /// <summary>The SIP edge attested the INVITE: Meta (digest) or a carrier trunk (source address) admitted it.</summary>
    Verified,
}
