using System.Globalization;
using EasyMo.Application.Features.Calls.Sip;
using EasyMo.Infrastructure.OpenAi;
using EasyMo.Operator.Simulation;

namespace EasyMo.Bench;

/// <summary>
/// Builds signed <c>realtime.call.incoming</c> requests shaped like the ones OpenAI forwards for a carrier's SIP INVITE:
/// <c>From</c> with the caller (a number of the pool, +2507880xxxxx), <c>To</c> with the dialed line, a SIP <c>Call-ID</c>.
/// Each request has its own call id and webhook id; ids are prefixed with a per-process run id so that levels and runs
/// never collide on the service's unique keys. With <c>SIP_EDGE_ATTESTATION_KEY</c> set, each INVITE carries the SIP edge's
/// <c>X-EasyMo-Edge</c> for the trunk <c>mtn-rw</c>, as a call through the edge does.
/// </summary>
public sealed class CallFactory
{
    private const string DialedLine = "+250788300300";
    private readonly StandardWebhookVerifier _verifier;
    private readonly string _prefix;
    private readonly string[] _callers;
    private readonly string? _attestationKey = EdgeAttestationKeys.Split(Environment.GetEnvironmentVariable("SIP_EDGE_ATTESTATION_KEY")).FirstOrDefault();

    public CallFactory(StandardWebhookVerifier verifier, string label, int callerCount)
    {
        _verifier = verifier;
        _prefix = $"{label}_{Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64()))[..10]}";
        _callers = Enumerable.Range(0, callerCount).Select(i => "+2507880" + i.ToString("D5", CultureInfo.InvariantCulture)).ToArray();
    }

    public int CallerCount => _callers.Length;

    public HttpRequestMessage Create(int sender, int sequence, int callerIndex)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"{_prefix}_{sender}_{sequence}");
        var caller = _callers[callerIndex];
        var now = DateTimeOffset.UtcNow;
        var timestamp = now.ToUnixTimeSeconds();
        var sipCallId = $"{id}@196.12.160.10";
        var from = $"sip:{caller}@196.12.160.10;user=phone";
        var to = $"sip:{DialedLine}@proj_bench.sip.api.openai.com;user=phone";
        List<(string Name, string Value)> headers =
        [
            ("From", string.Create(CultureInfo.InvariantCulture, $"\"{caller}\" <{from}>;tag={sequence}a{sender}")),
            ("To", $"<{to}>"),
            ("Call-ID", sipCallId),
            ("Via", $"SIP/2.0/TLS 196.12.160.10:5061;branch=z9hG4bK{id}"),
        ];
        if (_attestationKey is not null)
        {
            headers.Add((EdgeAttestation.HeaderName, EdgeAttestation.Sign(_attestationKey, "mtn-rw", timestamp, sipCallId, from, to)));
        }

        var request = OpenAiWebhook.SignedRequest(OpenAiWebhook.CallIncoming("rtc_" + id, headers, now, "evt_" + id), _verifier, "wh_" + id, timestamp);
        request.RequestUri = null; // the client's base address is the webhook's URL
        return request;
    }
}
