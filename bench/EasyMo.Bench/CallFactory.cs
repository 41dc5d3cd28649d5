using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using EasyMo.Application.Features.Calls.Sip;
using EasyMo.Infrastructure.OpenAi;

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
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var attestation = _attestationKey is null
            ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $$"""
                ,{"name":"X-EasyMo-Edge","value":"{{EdgeAttestation.Sign(_attestationKey, "mtn-rw", now, $"{id}@196.12.160.10", $"sip:{caller}@196.12.160.10;user=phone", $"sip:{DialedLine}@proj_bench.sip.api.openai.com;user=phone")}}"}
                """);
        var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$$"""
            {"object":"event","id":"evt_{{{id}}}","type":"realtime.call.incoming","created_at":{{{now}}},"data":{"call_id":"rtc_{{{id}}}","sip_headers":[{"name":"From","value":"\"{{{caller}}}\" <sip:{{{caller}}}@196.12.160.10;user=phone>;tag={{{sequence}}}a{{{sender}}}"},{"name":"To","value":"<sip:{{{DialedLine}}}@proj_bench.sip.api.openai.com;user=phone>"},{"name":"Call-ID","value":"{{{id}}}@196.12.160.10"},{"name":"Via","value":"SIP/2.0/TLS 196.12.160.10:5061;branch=z9hG4bK{{{id}}}"}{{{attestation}}}]}}
            """));

        var webhookId = "wh_" + id;
        var request = new HttpRequestMessage(HttpMethod.Post, (Uri?)null) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("webhook-id", webhookId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", now.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", _verifier.Sign(webhookId, now, body));
        return request;
    }
}
