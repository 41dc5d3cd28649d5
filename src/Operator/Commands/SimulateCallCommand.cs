using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using EasyMo.Application.Features.Calls;
using EasyMo.Application.Features.Calls.Sip;
using EasyMo.Domain.Common;
using EasyMo.Infrastructure.OpenAi;
using EasyMo.Operator.Simulation;

namespace EasyMo.Operator.Commands;

/// <summary>
/// <c>simulate-call</c>: sends a running service the <c>realtime.call.incoming</c> webhook OpenAI would send for a
/// call, signed with <c>OPENAI_WEBHOOK_SECRET</c> as Standard Webhooks, and prints what the service decided. With
/// <c>SIP_EDGE_ATTESTATION_KEY</c> set, the INVITE carries the <c>X-EasyMo-Edge</c> the SIP edge would add (admission
/// <c>whatsapp</c>, or the trunk's name), so the caller is verified; <c>--unverified</c> leaves it out.
/// </summary>
public static class SimulateCallCommand
{
    public const string DefaultUrl = "http://127.0.0.1:8080";
    public const string DefaultDialed = "+250788000111";
    public const string DefaultTrunk = "sim-trunk";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var from = new Option<string>("--from") { Description = "The caller, E.164 (+250…).", Required = true };
        var to = new Option<string>("--to") { Description = "The dialed number, E.164.", DefaultValueFactory = _ => DefaultDialed };
        var whatsApp = new Option<bool>("--whatsapp") { Description = "A WhatsApp call, as Meta's SIP edge sends it (From …@wa.meta.vc, x-wa-meta-* headers)." };
        var url = new Option<string>("--url") { Description = "Base URL of the running service.", DefaultValueFactory = _ => DefaultUrl };
        var callId = new Option<string?>("--call-id") { Description = "The OpenAI call id (default: a new rtc_sim_… id)." };
        var unverified = new Option<bool>("--unverified") { Description = "Leave out the SIP edge's X-EasyMo-Edge attestation: a caller who went straight to OpenAI." };
        var trunk = new Option<string>("--trunk") { Description = "The trunk the edge names as admitting a phone call (lower-case letters, digits, '-').", DefaultValueFactory = _ => DefaultTrunk };
        var command = new Command("simulate-call", "Send a running service a signed realtime.call.incoming webhook, as OpenAI does, and print the decision.")
        {
            from, to, whatsApp, url, callId, unverified, trunk,
        };
        command.SetAction((result, ct) => RunAsync(
            context,
            result.GetValue(from)!,
            result.GetValue(to)!,
            result.GetValue(whatsApp),
            result.GetValue(url)!,
            result.GetValue(callId),
            result.GetValue(unverified),
            result.GetValue(trunk)!,
            ct));
        return command;
    }

    /// <summary>The event OpenAI would send for the call (<see cref="OpenAiWebhook.CallIncoming"/>), with the headers an INVITE from Meta or a trunk carries.</summary>
    /// <param name="callId">OpenAI's call id.</param>
    /// <param name="caller">The number in <c>From</c>.</param>
    /// <param name="dialed">The number in <c>To</c>.</param>
    /// <param name="whatsApp">A WhatsApp call (from <c>wa.meta.vc</c>, with <c>x-wa-meta-wacid</c>) rather than a carrier's.</param>
    /// <param name="now">The event's time.</param>
    /// <param name="edgeKey">The key the SIP edge signs with; null: no <c>X-EasyMo-Edge</c> (an unverified caller).</param>
    /// <param name="trunk">The admitting trunk's name the edge attests for a phone call.</param>
    public static byte[] IncomingCallEvent(
        string callId, PhoneNumber caller, PhoneNumber dialed, bool whatsApp, DateTimeOffset now, string? edgeKey = null, string trunk = DefaultTrunk)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(dialed);
        (string Name, string Value)[] headers = whatsApp
            ? new (string Name, string Value)[]
            {
                ("Via", "SIP/2.0/TLS 157.240.0.1:5061;branch=z9hG4bK" + Guid.NewGuid().ToString("N")[..12]),
                ("From", $"<sip:{caller.Value}@wa.meta.vc>;tag={Guid.NewGuid().ToString("N")[..10]}"),
                ("To", $"<sip:{dialed.Value}@sip.api.openai.com>"),
                ("Call-ID", Guid.NewGuid().ToString()),
                ("x-wa-meta-wacid", "wacid.SIM" + Guid.NewGuid().ToString("N")),
                ("x-wa-meta-phone-number-id", "100000000000000"),
            }
            : [
                ("Via", "SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK" + Guid.NewGuid().ToString("N")[..12]),
                ("From", $"<sip:{caller.Value}@trunk.example;user=phone>;tag={Guid.NewGuid().ToString("N")[..10]}"),
                ("To", $"<sip:{dialed.Value}@sip.api.openai.com>"),
                ("Call-ID", Guid.NewGuid().ToString()),
            ];

        if (edgeKey is not null)
        {
            // As the edge adds it: over the Call-ID and the From and To URIs, for who admitted the INVITE.
            var admission = whatsApp ? EdgeAttestation.WhatsAppAdmission : trunk;
            var attestation = EdgeAttestation.Attest(edgeKey, admission, now.ToUnixTimeSeconds(), [.. headers.Select(header => new SipHeader(header.Name, header.Value))])!;
            headers = [.. headers, (EdgeAttestation.HeaderName, attestation)];
        }

        return OpenAiWebhook.CallIncoming(callId, headers, now, "evt_sim_" + Guid.NewGuid().ToString("N"));
    }

    private static async Task<int> RunAsync(
        CliContext context, string fromText, string toText, bool whatsApp, string urlText, string? callIdText, bool unverified, string trunk, CancellationToken ct)
    {
        var problems = new List<string>();
        if (!PhoneNumber.TryParse(fromText, out var caller))
        {
            problems.Add("--from must be a phone number in E.164 form, such as +250788123456.");
        }

        if (!PhoneNumber.TryParse(toText, out var dialed))
        {
            problems.Add("--to must be a phone number in E.164 form, such as +250788000111.");
        }

        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add("--url must be an absolute http(s) URL, such as http://127.0.0.1:8080.");
        }

        var secret = context.Configuration["OpenAI:WebhookSecret"];
        if (string.IsNullOrWhiteSpace(secret))
        {
            problems.Add("OPENAI_WEBHOOK_SECRET is not set: the webhook signing secret (whsec_…) the service verifies with.");
        }
        else if (!StandardWebhookVerifier.TryDecodeSecret(secret, out _))
        {
            problems.Add("OPENAI_WEBHOOK_SECRET is malformed: expected whsec_ followed by base64.");
        }

        var keyText = context.Configuration[CallerIdentityOptions.AttestationKeyKey];
        if (!unverified && EdgeAttestationKeys.Problems(keyText, CallerIdentityOptions.AttestationKeyVariable) is { Count: > 0 } keyProblems)
        {
            problems.AddRange(keyProblems);
        }

        if (!whatsApp && !EdgeAttestation.IsAdmission(trunk))
        {
            problems.Add("--trunk must be lower-case letters, digits and '-' (as the SIP edge names trunks), such as mtn-rw.");
        }

        // The edge signs with the first key (the newest, while keys rotate).
        var edgeKey = unverified ? null : EdgeAttestationKeys.Split(keyText).FirstOrDefault();
        var callId = string.IsNullOrWhiteSpace(callIdText) ? "rtc_sim_" + Guid.NewGuid().ToString("N") : callIdText.Trim();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await context.Error.WriteLineAsync(problem);
            }

            return ExitCodes.Usage;
        }

        var now = DateTimeOffset.UtcNow;
        var body = IncomingCallEvent(callId, caller!, dialed!, whatsApp, now, edgeKey, trunk);
        var webhookId = "wh_sim_" + Guid.NewGuid().ToString("N");
        var timestamp = now.ToUnixTimeSeconds();
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = Timeout };
        using var request = OpenAiWebhook.SignedRequest(
            body, new StandardWebhookVerifier(secret!, TimeProvider.System), webhookId, timestamp, new Uri(OpenAiWebhook.Path.TrimStart('/'), UriKind.Relative));

        await context.Out.WriteLineAsync($"call {callId} ({(whatsApp ? "whatsapp" : "phone")}, from {caller!.Masked} to {dialed!.Masked}, "
            + (edgeKey is not null ? "attested as the SIP edge would)" : unverified ? "no edge attestation: --unverified)" : $"no edge attestation: {CallerIdentityOptions.AttestationKeyVariable} is not set)"));
        string answer;
        int status;
        try
        {
            using var response = await http.SendAsync(request, ct);
            status = (int)response.StatusCode;
            answer = await response.Content.ReadAsStringAsync(ct);
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !ct.IsCancellationRequested))
        {
            await context.Error.WriteLineAsync($"error: {baseUrl} could not be reached: {(exception is TaskCanceledException ? "timed out" : exception.Message)}");
            return ExitCodes.Failed;
        }

        await context.Out.WriteLineAsync($"webhook: HTTP {status}");
        if (status != 200)
        {
            await context.Error.WriteLineAsync($"error: the service answered HTTP {status}: {Detail(answer)}");
            return ExitCodes.Failed;
        }

        await context.Out.WriteLineAsync($"decision: {Field(answer, "outcome") ?? "unknown"}{(Field(answer, "sipStatus") is { } sip ? $" (SIP {sip})" : string.Empty)}");
        await PrintCallAsync(context, http, callId, ct);
        return ExitCodes.Ok;
    }

    /// <summary>With <c>EASYMO_ADMIN_TOKEN</c>, the call as the operators' API records it.</summary>
    private static async Task PrintCallAsync(CliContext context, HttpClient http, string callId, CancellationToken ct)
    {
        var token = context.Configuration["Admin:Token"];
        if (string.IsNullOrWhiteSpace(token))
        {
            await context.Out.WriteLineAsync("record: not read (EASYMO_ADMIN_TOKEN is not set)");
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "api/calls/" + Uri.EscapeDataString(callId));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            await context.Out.WriteLineAsync(response.IsSuccessStatusCode
                ? $"record: status {Field(text, "status") ?? "?"}, channel {Field(text, "channel") ?? "?"}, identity {Field(text, "identity") ?? "?"}, language {Field(text, "language") ?? "?"}"
                : $"record: not read (GET /api/calls/{callId}: HTTP {(int)response.StatusCode})");
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !ct.IsCancellationRequested))
        {
            await context.Out.WriteLineAsync("record: not read (the service did not answer)");
        }
    }

    private static string? Field(string json, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var value)
                ? value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number => value.GetRawText(),
                    _ => null,
                }
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The problem's title and detail, or the start of a body that is not a problem.</summary>
    private static string Detail(string body)
    {
        var title = Field(body, "title");
        var detail = Field(body, "detail");
        if (title is not null || detail is not null)
        {
            return string.Join(": ", new[] { title, detail }.Where(part => part is not null));
        }

        var text = body.ReplaceLineEndings(" ").Trim();
        return text.Length == 0 ? "no body" : text[..Math.Min(text.Length, 200)];
    }
}
